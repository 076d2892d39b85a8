from gridbee.geo import routing
from gridbee.geo.models import Grid, LayerRevision

from .layers import COMMUNITY_1, X0, Y0


def test_admin_lists_and_shows_regions_and_grids(admin_client, tiny_layer):
    grid = Grid.objects.get(code=COMMUNITY_1 + "001")
    for url in [
        "/admin/geo/region/",
        f"/admin/geo/region/{COMMUNITY_1}/change/",
        "/admin/geo/grid/",
        f"/admin/geo/grid/{grid.pk}/change/",
    ]:
        response = admin_client.get(url)
        assert response.status_code == 200, url
    assert "凤山第1网格" in admin_client.get("/admin/geo/grid/?q=凤山").content.decode()


def test_renaming_a_grid_in_the_admin_reaches_routing(admin_client, tiny_layer):
    grid = Grid.objects.get(code=COMMUNITY_1 + "001")
    revision = LayerRevision.objects.get().revision
    response = admin_client.post(
        f"/admin/geo/grid/{grid.pk}/change/", {"name": "凤山东网格", "kind": "comprehensive"}
    )
    assert response.status_code == 302
    assert LayerRevision.objects.get().revision != revision
    assert routing.locate(Y0 + 0.005, X0 + 0.005).grid.name == "凤山东网格"


def test_grids_cannot_be_added_by_hand_without_a_polygon(admin_client, tiny_layer):
    assert admin_client.get("/admin/geo/grid/add/").status_code == 403
