"""What the SUB plug-in supplies to the engine and the surfaces (dozvon.core.plugins),
registered from `AppConfig.ready()`: the engine and the surfaces find these parts only
through the registry, chosen by the playbook file's `plugin = "subscriptions"`."""

from __future__ import annotations

from pathlib import Path

from dozvon.core import plugins
from dozvon.subscriptions import api, api_promo, desk, promo_card
from dozvon.subscriptions.audit_actions import SubAuditAction
from dozvon.subscriptions.contact_handler import CONTACT_HANDLER
from dozvon.subscriptions.demo import build_subscriptions_demo
from dozvon.subscriptions.reports import register_reports

LABEL = "subscriptions"
PLAYBOOK_FILE = Path(__file__).resolve().parent / "sub.toml"


def register() -> None:
    plugins.register(plugins.CONTACTS, LABEL, "registry", CONTACT_HANDLER)
    plugins.register(plugins.URLS, LABEL, "urls", "dozvon.subscriptions.urls")
    plugins.register(plugins.PLAYBOOK_FILES, LABEL, "sub", str(PLAYBOOK_FILE))
    plugins.register(plugins.DEMO, LABEL, "subscriptions", build_subscriptions_demo, order=30)
    register_reports()  # SUB-6 in the X-11 registry
    # the order card's special discount (SUB-5); the inbound desk's block (SUB-3…5)
    plugins.register(plugins.CARD_PANELS, LABEL, "promo", promo_card.PROMO_PANEL)
    plugins.register(plugins.INBOUND, LABEL, "desk", desk.SUB_DESK)
    # the API's subscriptions (SUB-1, SUB-2, SUB-6) and promo codes (SUB-5): API.md
    plugins.register(plugins.API, LABEL, "subscriptions", api.router)
    plugins.register(plugins.API, LABEL, "promo", api_promo.router)
    plugins.register(plugins.AUDIT_ACTIONS, LABEL, "actions", SubAuditAction)
