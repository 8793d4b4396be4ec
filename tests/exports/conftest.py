"""The SUB and NBO worlds of their own test packages, and the browser's fixtures, for the
exports' tests."""

from tests.offers.conftest import nbo  # noqa: F401
from tests.subscriptions.conftest import sub  # noqa: F401
