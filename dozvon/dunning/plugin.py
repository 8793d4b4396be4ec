"""What the DUN plug-in supplies to the engine and the surfaces (dozvon.core.plugins),
registered from `AppConfig.ready()`: the engine and the surfaces find these parts only
through the registry, chosen by the playbook file's `plugin = "dunning"`."""

from __future__ import annotations

from pathlib import Path

from dozvon.core import plugins
from dozvon.dunning import checks
from dozvon.dunning.card import DUN_PANEL, PAID
from dozvon.dunning.demo import build_pharmacy_demo
from dozvon.dunning.reports import register_reports
from dozvon.dunning.services import MESSAGE_GUARD
from dozvon.dunning.timeline import DUN_WORDS

LABEL = "dunning"
PLAYBOOK_FILE = Path(__file__).resolve().parent / "dun.toml"


def register() -> None:
    checks.register(LABEL)
    plugins.register(plugins.MESSAGE_GUARDS, LABEL, "guards", MESSAGE_GUARD)
    plugins.register(plugins.URLS, LABEL, "urls", "dozvon.dunning.urls")
    plugins.register(plugins.PLAYBOOK_FILES, LABEL, "dun", str(PLAYBOOK_FILE))
    plugins.register(plugins.DEMO, LABEL, "pharmacy", build_pharmacy_demo, order=20)
    register_reports()  # DUN-9 in the X-11 registry
    # the order card: the payment panel (DUN-2/4/5), `paid` as a confirmed payment (DUN-9)
    plugins.register(plugins.CARD_PANELS, LABEL, "payment", DUN_PANEL)
    plugins.register(plugins.OUTCOMES, LABEL, "paid", PAID)
    plugins.register(plugins.TIMELINE, LABEL, "words", DUN_WORDS)  # its marks in words
