from django.conf import settings

from .queries import is_demo


def site(request):
    # is_demo is passed uncalled: the template asks only when it renders the banner.
    return {"tile_url": settings.TILE_URL, "demo_data": is_demo}
