import pytest

from . import layers


@pytest.fixture
def tiny_layer(db):
    layers.install()
    return layers


@pytest.fixture
def huishui_layer(db):
    """The demo county's real divisions with their generated grids, through the import."""
    from gridbee.geo.actions import import_grids, import_regions
    from gridbee.geo.demo_layer import huishui_grids, huishui_regions

    import_regions(huishui_regions())
    import_grids(huishui_grids())
