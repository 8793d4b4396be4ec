"""SUB: subscriptions to a partwork collection, the contacts of unhappy subscribers (the
"green group" registry, SUB-3), refund escalations to the partner and the bulk
information email about the accelerated plan (SUB-1).

A collection's issues are catalog products, one per issue number (`CollectionIssue`), so
an order for remaining issues (SUB-4) is an ordinary order of those products, taken in
by the intake service, and a promo code scoped to "this collection's issues" (SUB-5) is a
product scope.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dozvon.core import limits
from dozvon.subscriptions import rules


class Plan(models.TextChoices):
    BASE = rules.BASE, _("Base plan")
    ACCELERATED = rules.ACCELERATED, _("Accelerated plan")


class Group(models.TextChoices):
    UNTOUCHED = rules.UNTOUCHED, _("Will finish (untouched)")
    GREEN = rules.GREEN, _("Accelerated, will finish (green)")
    PINK = rules.PINK, _("Cannot finish (pink)")


class Status(models.TextChoices):
    ACTIVE = rules.ACTIVE, _("Active")
    CANCELLED = rules.CANCELLED, _("Cancelled")


class Outcome(models.TextChoices):
    STAYED = rules.STAYED, _("Stayed on the accelerated plan")
    BOUGHT_SOME = rules.BOUGHT_SOME, _("Bought some remaining issues")
    BOUGHT_ALL = rules.BOUGHT_ALL, _("Bought all remaining issues")
    WILL_THINK = rules.WILL_THINK, _("Will think")
    REFUND = rules.REFUND, _("Asked for a refund")


class Collection(models.Model):
    """A partwork series of a project: its issues and how fast each plan delivers them
    (per month; the groups of SUB-1 are derived from these when an import omits them)."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="collections",
        verbose_name=_("project"),
    )
    code = models.SlugField(_("code"), max_length=rules.COLLECTION_CODE_MAX)
    name = models.CharField(_("name"), max_length=200)
    issues_total = models.PositiveSmallIntegerField(
        _("issues"), validators=[MinValueValidator(1), MaxValueValidator(rules.MAX_ISSUES)]
    )
    base_per_month = models.DecimalField(
        _("issues per month, base plan"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    accelerated_per_month = models.DecimalField(
        _("issues per month, accelerated plan"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("collection")
        verbose_name_plural = _("collections")
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="collection_project_code")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def facts(self) -> rules.CollectionFacts:
        return rules.CollectionFacts(
            code=self.code,
            issues_total=self.issues_total,
            base_per_month=self.base_per_month,
            accelerated_per_month=self.accelerated_per_month,
        )


class CollectionIssue(models.Model):
    """Issue number → the shop product it is sold as (SUB-4: the items of an order for
    remaining issues; SUB-5: the products a collection's promo code applies to)."""

    collection = models.ForeignKey(
        Collection, on_delete=models.CASCADE, related_name="issues", verbose_name=_("collection")
    )
    number = models.PositiveSmallIntegerField(_("issue number"))
    product = models.ForeignKey(
        "catalog.Product",
        on_delete=models.PROTECT,
        related_name="collection_issues",
        verbose_name=_("product"),
    )

    class Meta:
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        ordering = ["collection", "number"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "number"], name="collectionissue_number")
        ]

    def __str__(self) -> str:
        return f"{self.collection.code} №{self.number}"


class Subscription(models.Model):
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="subscriptions",
        verbose_name=_("project"),
    )
    number = models.CharField(_("subscription number"), max_length=rules.NUMBER_MAX)
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("customer"),
    )
    collection = models.ForeignKey(
        Collection,
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("collection"),
    )
    plan = models.CharField(_("plan"), max_length=16, choices=Plan.choices, default=Plan.BASE)
    issues_total = models.PositiveSmallIntegerField(_("issues total"))
    issues_delivered = models.PositiveSmallIntegerField(_("issues delivered"), default=0)
    group = models.CharField(_("group"), max_length=16, choices=Group.choices)
    suspend_on = models.DateField(_("suspended on"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    # SUB-3: the registry's per-subscription facts, kept by the contact service
    contacts = models.PositiveIntegerField(_("contacts"), default=0)
    first_contact_at = models.DateTimeField(_("first contact"), null=True, blank=True)
    last_contact_at = models.DateTimeField(_("last contact"), null=True, blank=True)
    last_outcome = models.CharField(
        _("last outcome"), max_length=16, choices=Outcome.choices, blank=True, default=""
    )
    # SUB-1: the information email about the accelerated plan, queued once
    informed_at = models.DateTimeField(_("informed at"), null=True, blank=True)
    inform_problem = models.CharField(_("why not informed"), max_length=300, blank=True, default="")
    created_at = models.DateTimeField(_("created at"))
    updated_at = models.DateTimeField(_("updated at"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            # re-importing a number updates its subscription, never duplicates it
            models.UniqueConstraint(fields=["project", "number"], name="subscription_number"),
            models.CheckConstraint(
                condition=Q(issues_delivered__lte=models.F("issues_total")),
                name="subscription_delivered_le_total",
            ),
        ]
        indexes = [
            models.Index(fields=["project", "group", "number"], name="subscription_group"),
            models.Index(fields=["project", "customer"], name="subscription_customer"),
            # SUB-1: the accelerated subscriptions still to inform
            models.Index(
                fields=["project", "id"],
                condition=Q(plan="accelerated", status="active", informed_at__isnull=True),
                name="subscription_to_inform",
            ),
        ]

    def __str__(self) -> str:
        return f"№{self.number}"

    @property
    def remaining_issues(self) -> list[int]:
        return rules.remaining_issues(delivered=self.issues_delivered, total=self.issues_total)


class SubscriptionContact(models.Model):
    """SUB-3: one contact of a subscriber recorded in the registry — the inbound
    interaction it was, its outcome and the issues bought."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="contact_rows",
        verbose_name=_("subscription"),
    )
    interaction = models.ForeignKey(
        "interactions.Interaction",
        on_delete=models.PROTECT,
        related_name="subscription_contacts",
        verbose_name=_("interaction"),
    )
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    issues = models.JSONField(_("issues bought"), default=list, blank=True)
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("operator"),
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("subscription contact")
        verbose_name_plural = _("registry of contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "subscription"], name="subscriptioncontact_once"
            )
        ]
        indexes = [
            models.Index(fields=["subscription", "at"], name="subscriptioncontact_sub"),
            models.Index(fields=["project", "at"], name="subscriptioncontact_project"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription} {self.get_outcome_display()} {self.at:%d.%m.%Y}"


class EscalationState(models.TextChoices):
    OPEN = "open", _("Waiting for the partner")
    DECIDED = "decided", _("Decided")


class Escalation(models.Model):
    """SUB-3: a refund request handed to the partner for individual review; the
    supervisor follows it until the partner decides."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="escalations",
        verbose_name=_("project"),
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        related_name="escalations",
        verbose_name=_("subscription"),
    )
    contact = models.OneToOneField(
        SubscriptionContact,
        on_delete=models.PROTECT,
        related_name="escalation",
        verbose_name=_("contact"),
    )
    interaction = models.ForeignKey(
        "interactions.Interaction",
        on_delete=models.PROTECT,
        related_name="escalations",
        verbose_name=_("interaction"),
    )
    state = models.CharField(
        _("state"), max_length=8, choices=EscalationState.choices, default=EscalationState.OPEN
    )
    partner_email = models.EmailField(_("sent to"), max_length=limits.EMAIL, blank=True)
    message = models.ForeignKey(
        "messaging.OutboxMessage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("email to the partner"),
    )
    notify_problem = models.CharField(
        _("why the partner was not written to"), max_length=300, blank=True, default=""
    )
    decision = models.TextField(_("partner's decision"), blank=True, default="")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("refund escalation")
        verbose_name_plural = _("refund escalations")
        indexes = [models.Index(fields=["project", "state", "-id"], name="escalation_state")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subscription} ({self.get_state_display()})"


class InformRun(models.Model):
    """SUB-1: one click of "inform accelerated subscribers", worked off by the worker in
    batches (progress: `done`; `cursor` = the last subscription id it reached)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    cursor = models.BigIntegerField(default=0)
    queued = models.PositiveIntegerField(_("emails queued"), default=0)
    skipped = models.PositiveIntegerField(_("not informed"), default=0)
    problem = models.CharField(_("stopped because"), max_length=300, blank=True, default="")

    class Meta:
        verbose_name = _("information run")
        verbose_name_plural = _("information runs")
        indexes = [models.Index(fields=["project", "-id"], name="informrun_project")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.started_at:%Y-%m-%d %H:%M}"


class ImportState(models.TextChoices):
    CHECKED = "checked", _("Checked, not imported")
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Stopped")


class SubscriptionImport(models.Model):
    """X-10: an uploaded subscriptions file, read once when it is uploaded (issue 25): its
    rows (`rows`: `[line, {field: value}]`, what the commit writes) and its preview
    (`preview`: the counts and the first rows with their refusals) are kept, the file's
    bytes are not. A commit goes `checked` → `queued` → `running` (`done` of `total` rows
    written, batch by batch) → `done`, or `failed` (`failure`: why; a new commit carries
    on from `done`)."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    filename = models.CharField(_("file"), max_length=255)
    rows = models.JSONField(_("rows read"), default=list, blank=True)
    preview = models.JSONField(_("preview"), default=dict, blank=True)
    created_at = models.DateTimeField(_("uploaded at"))
    state = models.CharField(
        _("state"), max_length=10, choices=ImportState.choices, default=ImportState.CHECKED
    )
    total = models.PositiveIntegerField(_("rows"), default=0)
    done = models.PositiveIntegerField(_("rows imported"), default=0)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("imported by"),
    )
    queued_at = models.DateTimeField(_("import started at"), null=True, blank=True)
    progress_at = models.DateTimeField(_("last progress at"), null=True, blank=True)
    committed_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    result = models.JSONField(_("result"), default=dict, blank=True)
    failure = models.JSONField(_("stopped because"), default=list, blank=True)

    class Meta:
        verbose_name = _("subscriptions file")
        verbose_name_plural = _("subscriptions files")
        indexes = [models.Index(fields=["project", "-id"], name="subscriptionimport_project")]

    def __str__(self) -> str:
        return self.filename


# SUB-5's promo codes live in promo_models.py (the models of this app, by topic)
from dozvon.subscriptions.promo_models import (  # noqa: E402
    PromoApplication as PromoApplication,
)
from dozvon.subscriptions.promo_models import PromoCode as PromoCode  # noqa: E402
from dozvon.subscriptions.promo_models import PromoVisibility as PromoVisibility  # noqa: E402
