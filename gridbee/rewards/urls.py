from django.urls import path

from .views import cash, points, shop

urlpatterns = [
    # Points (积分): the card and check-in, rankings, the reviewer's corrections.
    path("me/points/", points.points_card, name="points-card"),
    path("me/points/check-in/", points.check_in, name="points-check-in"),
    path("points/rankings/", points.ranking_page, name="points-rankings"),
    path("points/rankings/honours.<str:fmt>", points.honours_export, name="points-honours"),
    path("review/points/partners/<int:pk>/", points.partner_points, name="points-partner"),
    path("review/points/partners/<int:pk>/adjust/", points.adjust, name="points-adjust"),
    path("review/suspensions/", points.proposals, name="points-proposals"),
    path("review/suspensions/<int:pk>/dismiss/", points.dismiss, name="points-dismiss"),
    # The points shop (积分超市): redeeming, orders, pick-up at a station, its management.
    path("shop/", shop.shop, name="shop"),
    path("shop/items/<int:pk>/redeem/", shop.redeem, name="shop-redeem"),
    path("shop/orders/", shop.orders, name="shop-orders"),
    path("shop/orders/<int:pk>/", shop.order_detail, name="shop-order"),
    path("shop/orders/<int:pk>/cancel/", shop.cancel, name="shop-cancel"),
    path("shop/pickup/", shop.pickup, name="shop-pickup"),
    path("review/shop/", shop.manage, name="shop-manage"),
    path("review/shop/orders/<int:pk>/cancel/", shop.manage_cancel, name="shop-manage-cancel"),
    path("shop/pickup/hand-over/", shop.hand_over, name="shop-hand-over"),
    # Cash rewards (现金奖补): proposals on the case page, review, payouts, one's own.
    path("review/cash/", cash.queue, name="cash-queue"),
    path("review/cash/<int:pk>/decide/", cash.decide, name="cash-decide"),
    path("review/payouts/", cash.payout_page, name="cash-payouts"),
    path("review/payouts/paid/", cash.mark_paid, name="cash-paid"),
    path("console/cases/<int:case_id>/cash/", cash.propose, name="cash-propose"),
    path("me/rewards/cash/", cash.mine, name="my-cash-rewards"),
]
