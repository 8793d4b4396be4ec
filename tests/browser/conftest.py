"""The browser fixtures (`browser`, `pages`, `shots`) live in tests/browser/fixtures.py,
registered once for the whole suite by tests/conftest.py: one Playwright per process,
whichever directory's browser test runs first (a second sync Playwright in the same
process fails)."""

from tests.browser.fixtures import CHROMIUM, FLAGS, SHOTS  # noqa: F401 - their home before
