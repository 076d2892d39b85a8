from .views import cash, points, shop

urlpatterns = [*points.urlpatterns, *shop.urlpatterns, *cash.urlpatterns]
