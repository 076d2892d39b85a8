import pytest

from . import layers


@pytest.fixture
def tiny_layer(db):
    layers.install()
    return layers
