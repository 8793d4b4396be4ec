"""NBO: a telecom's next-best offers in inbound interactions (SPEC NBO-1…6).

Campaigns and each subscriber number's eligibility are loaded by a supervisor or the
partner (re-loads update by code / by number and offer). What happened in an interaction
hangs from `interactions.Interaction` by foreign key: the number's offers as they stood
then (`OfferCheck`, what the KPI counts), the offers voiced and their responses
(`OfferResponse`, which only move forward: NBO-2, enforced by a database trigger too),
a lost sale with its reason (`LostSale`) and balance adjustments (`Adjustment`, NBO-6).
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from dozvon.core import limits
from dozvon.core.money import display_money
from dozvon.offers import rules


class Response(models.TextChoices):
    YES = rules.YES, _("Yes")
    NO = rules.NO, _("No")
    THINK = rules.THINK, _("Will think")


class Category(models.TextChoices):
    COMPENSATION = rules.COMPENSATION, _("Compensation")
    DISCOUNT = rules.DISCOUNT, _("Discount")
    PROMO_CREDIT = rules.PROMO_CREDIT, _("Promo credit")
    TECHNOLOGICAL = rules.TECHNOLOGICAL, _("Technological")


class AdjustmentState(models.TextChoices):
    PENDING = rules.PENDING, _("Pending")
    APPLIED = rules.APPLIED, _("Applied")
    REJECTED = rules.REJECTED, _("Rejected")


def validate_policy(value) -> None:
    if value in (None, {}):
        return
    _policy, problems = rules.parse_policy(value)
    if problems:
        raise ValidationError("; ".join(problems), code="policy")


def validate_codes(value) -> None:
    if rules.as_list(value) is None or not isinstance(value, list):
        raise ValidationError(_("A list of codes."), code="codes")


class OffersSettings(models.Model):
    """A project's NBO settings: who receives the excluded numbers (NBO-4), the KPI target
    (NBO-5) and the discount policy (NBO-6). Empty values fall back to the playbook's
    `settings.offers`."""

    project = models.OneToOneField(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="offers_settings",
        verbose_name=_("project"),
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("responsible person"),
        help_text=_("Receives the daily list of numbers with an excluded offer (NBO-4)."),
    )
    report_email = models.EmailField(
        _("email for the excluded numbers"),
        max_length=limits.EMAIL,
        blank=True,
        help_text=_("Empty: the responsible person's email."),
    )
    kpi_target = models.DecimalField(
        _("realized offers target"),
        max_digits=3,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("A share, e.g. 0.85. Empty: the playbook's."),
    )
    discount_policy = models.JSONField(
        _("discount policy"),
        default=dict,
        blank=True,
        validators=[validate_policy],
        help_text=_(
            'Per category and role the most one adjustment may credit, e.g. {"compensation": '
            '{"operator": "300.00", "supervisor": "3000.00"}}. Empty: the playbook\'s.'
        ),
    )

    class Meta:
        verbose_name = _("offer settings")
        verbose_name_plural = _("offer settings")

    def __str__(self) -> str:
        return str(self.project)


class Campaign(models.Model):
    """NBO-1: an offer a telecom's operators voice, with its script, priority (1 first)
    and active dates; NBO-4: the tariffs and services it is never offered to."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="campaigns",
        verbose_name=_("project"),
    )
    code = models.CharField(_("code"), max_length=limits.CODE)
    name = models.CharField(_("name"), max_length=limits.PRODUCT_NAME)
    script = models.TextField(_("script"), blank=True, default="")
    priority = models.PositiveSmallIntegerField(_("priority"), default=100)
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"), null=True, blank=True)
    excluded_tariffs = models.JSONField(
        _("excluded tariffs"), default=list, blank=True, validators=[validate_codes]
    )
    excluded_services = models.JSONField(
        _("excluded services"), default=list, blank=True, validators=[validate_codes]
    )
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["project", "priority", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="offers_campaign_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"

    def facts(self) -> rules.CampaignFacts:
        return rules.CampaignFacts(
            code=self.code,
            name=self.name,
            priority=self.priority,
            starts_on=self.starts_on,
            ends_on=self.ends_on,
            excluded_tariffs=frozenset(self.excluded_tariffs or ()),
            excluded_services=frozenset(self.excluded_services or ()),
            script=self.script,
        )


class Eligibility(models.Model):
    """NBO-1: a subscriber number (E.164, X-4) may get this campaign, at this priority;
    the number's tariff and services decide NBO-4's exclusions."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    phone = models.CharField(_("phone"), max_length=limits.PHONE)
    campaign = models.ForeignKey(
        Campaign, on_delete=models.CASCADE, related_name="eligibility", verbose_name=_("campaign")
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), null=True, blank=True, help_text=_("Empty: the campaign's.")
    )
    tariff = models.CharField(_("tariff"), max_length=rules.TARIFF_MAX, blank=True, default="")
    services = models.JSONField(_("services"), default=list, blank=True)
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        verbose_name = _("eligible number")
        verbose_name_plural = _("eligible numbers")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "phone", "campaign"], name="offers_eligibility_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.phone} → {self.campaign_id}"

    def facts(self, code: str) -> rules.EligibilityFacts:
        return rules.EligibilityFacts(
            campaign=code,
            priority=self.priority,
            tariff=self.tariff,
            services=tuple(self.services or ()),
        )


class OfferCheck(models.Model):
    """The number's offers as they stood when the interaction was recorded (NBO-5
    Decisions: "eligible at the time of the interaction"): what the KPI and the daily
    excluded list read, whatever is loaded later."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    interaction = models.OneToOneField(
        "interactions.Interaction",
        on_delete=models.CASCADE,
        related_name="offer_check",
        verbose_name=_("interaction"),
    )
    # the interaction's start, kept here so a day's checks are one index range (KPI)
    started_at = models.DateTimeField(_("interaction started at"))
    eligible = models.JSONField(_("eligible offers"), default=list, blank=True)
    excluded = models.JSONField(_("excluded offers"), default=list, blank=True)
    checked_at = models.DateTimeField(_("checked at"))

    class Meta:
        verbose_name = _("offers of an interaction")
        verbose_name_plural = _("offers of interactions")
        indexes = [models.Index(fields=["project", "started_at"], name="offers_check_day")]

    def __str__(self) -> str:
        return f"#{self.interaction_id}: {', '.join(self.eligible) or '—'}"


class OfferResponse(models.Model):
    """NBO-1/NBO-2: an offer voiced in an interaction and the customer's response. A
    response changes only from NO or THINK to YES (a database trigger refuses any other
    UPDATE, and on PostgreSQL any DELETE)."""

    interaction = models.ForeignKey(
        "interactions.Interaction",
        on_delete=models.CASCADE,
        related_name="offer_responses",
        verbose_name=_("interaction"),
    )
    campaign = models.ForeignKey(
        Campaign, on_delete=models.PROTECT, related_name="responses", verbose_name=_("campaign")
    )
    response = models.CharField(_("response"), max_length=8, choices=Response.choices)
    rank = models.PositiveSmallIntegerField(
        _("rank by priority"), help_text=_("1: the number's first offer (NBO-1).")
    )
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("operator"),
    )
    at = models.DateTimeField(_("voiced at"))
    changed_at = models.DateTimeField(_("changed to yes at"), null=True, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("changed by"),
    )

    class Meta:
        verbose_name = _("offer response")
        verbose_name_plural = _("offer responses")
        ordering = ["interaction", "rank"]
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "campaign"], name="offers_response_once"
            ),
            models.CheckConstraint(
                condition=models.Q(response__in=rules.RESPONSES), name="offers_response_known"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.interaction_id} {self.campaign_id}: {self.response}"

    @property
    def was_first(self) -> bool:
        return self.rank == 1

    def delete(self, *args, **kwargs):
        raise RuntimeError("an offer response is never deleted (NBO-2)")


class LostSale(models.Model):
    """NBO-5: an interaction saved without an offer voiced while the number had an
    eligible, non-excluded one; the operator's reason (the caller hung up…)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    interaction = models.OneToOneField(
        "interactions.Interaction",
        on_delete=models.CASCADE,
        related_name="lost_sale",
        verbose_name=_("interaction"),
    )
    reason = models.TextField(_("reason"))
    campaigns = models.JSONField(_("offers not voiced"), default=list, blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("lost sale")
        verbose_name_plural = _("lost sales")

    def __str__(self) -> str:
        return f"#{self.interaction_id}: {self.reason[:60]}"


class Adjustment(models.Model):
    """NBO-6: a balance adjustment during an interaction, sent to the partner's billing
    (pending → applied or rejected, once)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    interaction = models.ForeignKey(
        "interactions.Interaction",
        on_delete=models.CASCADE,
        related_name="adjustments",
        verbose_name=_("interaction"),
    )
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    amount = models.DecimalField(
        _("amount"), max_digits=limits.AMOUNT_DIGITS, decimal_places=limits.MONEY_PLACES
    )
    currency = models.CharField(_("currency"), max_length=limits.CURRENCY)
    reason = models.TextField(_("reason"))
    campaign = models.ForeignKey(
        Campaign,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="adjustments",
        verbose_name=_("campaign"),
    )
    subject = models.CharField(_("subject line"), max_length=rules.SUBJECT_MAX)
    comment = models.TextField(_("comment"))
    state = models.CharField(
        _("state"),
        max_length=8,
        choices=AdjustmentState.choices,
        default=AdjustmentState.PENDING,
    )
    idempotency_key = models.CharField(_("idempotency key"), max_length=100)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"))
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("decided by"),
    )
    decision_note = models.TextField(_("billing's note"), blank=True, default="")
    external_ref = models.CharField(
        _("billing reference"), max_length=limits.EXTERNAL_ID, blank=True, default=""
    )

    class Meta:
        verbose_name = _("balance adjustment")
        verbose_name_plural = _("balance adjustments")
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "idempotency_key"], name="offers_adjustment_once"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=0), name="offers_adjustment_positive"
            ),
        ]
        indexes = [models.Index(fields=["project", "state", "id"], name="offers_adjustment_state")]

    def __str__(self) -> str:
        return (
            f"#{self.pk} {self.get_category_display()} {display_money(self.amount)} "
            f"({self.get_state_display()})"
        )
