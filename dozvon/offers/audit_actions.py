"""X-12: the audit actions NBO records (`audit.actions`), registered from `plugin.py`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class NboAuditAction(models.TextChoices):
    CAMPAIGNS_LOAD = "offers.campaigns_load", _("Campaigns loaded")
    ELIGIBILITY_LOAD = "offers.eligibility_load", _("Offer eligibility loaded")
    EXCLUDED_REPORT = "offers.excluded_report", _("Excluded numbers report sent")
