from __future__ import annotations

import pytest

from dozvon.addresses import dadata
from tests.addresses.fake_dadata import FakeDadata, Server


@pytest.fixture
def fake_dadata():
    """A DaData look-alike on a free loopback port, for one test."""
    fake = FakeDadata()
    with Server(fake):
        yield fake


@pytest.fixture(autouse=True)
def _dadata_cooloff_reset():
    """The provider's cool-off after a failure is process-wide; tests start afresh."""
    dadata._down_until.clear()
    yield
    dadata._down_until.clear()
