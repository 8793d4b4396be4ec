"""What the NBO plug-in supplies to the engine and the surfaces (dozvon.core.plugins),
registered from `AppConfig.ready()`: the engine and the surfaces find these parts only
through the registry, chosen by the playbook file's `plugin = "offers"`."""

from __future__ import annotations

from pathlib import Path

from dozvon.core import plugins
from dozvon.offers import api, desk
from dozvon.offers.audit_actions import NboAuditAction
from dozvon.offers.demo import build_telecom_demo
from dozvon.offers.reports import register_reports
from dozvon.offers.tasks import schedule_excluded_reports

LABEL = "offers"
PLAYBOOK_FILE = Path(__file__).resolve().parent / "nbo.toml"


def register() -> None:
    plugins.register(plugins.URLS, LABEL, "urls", "dozvon.offers.urls")
    plugins.register(plugins.PLAYBOOK_FILES, LABEL, "nbo", str(PLAYBOOK_FILE))
    plugins.register(plugins.DEMO, LABEL, "telecom", build_telecom_demo, order=40)
    # NBO-4: the day's excluded numbers to the responsible, scheduled at the worker's start
    plugins.register(plugins.PERIODIC, LABEL, "excluded_reports", schedule_excluded_reports)
    register_reports()  # NBO-5 in the X-11 registry
    # the inbound desk's offers and the interaction API's (NBO-1…6)
    plugins.register(plugins.INBOUND, LABEL, "desk", desk.NBO_DESK)
    # the API's campaigns, eligibility, responses and adjustments (NBO-1…6): API.md
    plugins.register(plugins.API, LABEL, "offers", api.router)
    plugins.register(plugins.AUDIT_ACTIONS, LABEL, "actions", NboAuditAction)
