"""Real headless Chromium (Debian's) driven by Playwright; never a downloaded browser."""

import os
import re
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test
# itself are still plain synchronous code (STACK-NOTES).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        # the operators' browsers speak Russian: date and time inputs as 27.11.2026, 10:00
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[*FLAGS, "--lang=ru-RU"],
            env={**os.environ, "LANG": "ru_RU.UTF-8", "LANGUAGE": "ru"},
        )
        yield chromium
        chromium.close()


@pytest.fixture
def shots():
    SHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> None:
        page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)

    return take


@pytest.fixture
def pages(browser):
    """New pages in separate browser contexts (separate users); closed before the
    database goes away, so no htmx poll outlives the test."""
    contexts = []

    def new_page():
        context = browser.new_context(locale="ru-RU", viewport={"width": 1400, "height": 1000})
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


DEMO_PASSWORD = "demo"  # the demo's users (dozvon.core.demo.PASSWORD)


@pytest.fixture
def demo_login(pages, live_server):
    """`demo_login(username)`: a new browser page signed in as that demo user, on the
    page the login leads to (its project's)."""

    def sign_in(username: str, *, lands_on: str = r"/p/"):
        page = pages()
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(re.compile(lands_on))
        return page

    return sign_in


@pytest.fixture
def midday():
    """Today at 13:00 in Moscow (the test projects' zone), the clock ticking: a role's day
    that counts "today's" orders is the same whatever the hour CI runs at (at 00:15 MSK an
    order created two hours ago was yesterday's, and the quick-recall tab was empty)."""
    zone = ZoneInfo("Europe/Moscow")
    noon = datetime.combine(datetime.now(zone).date(), time(13), tzinfo=zone)
    with time_machine.travel(noon, tick=True):
        yield noon
