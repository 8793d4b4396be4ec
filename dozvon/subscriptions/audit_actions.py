"""X-12: the audit actions SUB records (`audit.actions`), registered from `plugin.py`."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubAuditAction(models.TextChoices):
    SUBSCRIPTION_ADD = "subscription.add", _("Subscription added")
    SUBSCRIPTION_CHANGE = "subscription.change", _("Subscription changed")
    SUBSCRIPTION_CONTACT = "subscription.contact", _("Subscriber contact recorded")
    SUBSCRIPTION_IMPORT = "subscription.import", _("Subscriptions imported")
    SUBSCRIPTION_INFORM = "subscription.inform", _("Accelerated subscribers informed")
    SUBSCRIPTION_ORDER = "subscription.order", _("Shop order for a subscriber")
    ESCALATION_DECIDE = "escalation.decide", _("Partner's decision recorded")
    PROMO_CODE_ADD = "promo_code.add", _("Promo code created")
    PROMO_CODE_CHANGE = "promo_code.change", _("Promo code changed")
    PROMO_CODE_END = "promo_code.end", _("Promo code ended")
