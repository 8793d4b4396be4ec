"""X-5 orders with items (their X-6 timeline is `history.TimelineEntry`).

Status, problem and queue bucket are the playbook's own codes (strings), so new
playbooks need no schema change; playbook-specific facts go to `extra`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dozvon.core import limits
from dozvon.core.money import net_price


class Order(models.Model):
    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="orders",
        verbose_name=_("project"),
    )
    external_id = models.CharField(
        _("partner order id"), max_length=limits.EXTERNAL_ID, null=True, blank=True
    )
    customer = models.ForeignKey(
        "customers.Customer",
        on_delete=models.PROTECT,
        related_name="orders",
        verbose_name=_("customer"),
    )
    customer_name = models.CharField(_("name as ordered"), max_length=300, blank=True, default="")
    phone = models.CharField(_("phone as ordered"), max_length=32, blank=True, default="")
    name_key = models.CharField(
        max_length=700,
        blank=True,
        default="",
        editable=False,
        help_text="Case-folded names for search (SQLite's LIKE folds ASCII only).",
    )

    # playbook state
    status = models.CharField(_("status"), max_length=40)
    status_group = models.CharField(_("status group"), max_length=40)
    problem = models.CharField(_("problem"), max_length=40, blank=True, default="")
    bucket = models.CharField(
        _("queue bucket"),
        max_length=40,
        blank=True,
        default="",
        help_text=_("The playbook's queue family the order waits in; empty when not queued."),
    )
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    callback_at = models.DateTimeField(_("call back at"), null=True, blank=True)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_orders",
        verbose_name=_("responsible operator"),
    )
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="claimed_orders",
        verbose_name=_("held by"),
    )
    claimed_at = models.DateTimeField(_("held since"), null=True, blank=True)
    main_product = models.ForeignKey(
        "catalog.Product",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("main product"),
    )
    failed_calls = models.PositiveIntegerField(_("failed calls"), default=0)
    calls_total = models.PositiveIntegerField(_("calls"), default=0)
    last_call_at = models.DateTimeField(_("last call at"), null=True, blank=True)
    last_outcome_at = models.DateTimeField(_("last result at"), null=True, blank=True)
    last_comment = models.TextField(_("latest comment"), blank=True, default="")

    # money
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    goods_total = models.DecimalField(
        _("goods total"),
        max_digits=limits.AMOUNT_DIGITS,
        decimal_places=limits.MONEY_PLACES,
        default=Decimal("0"),
    )
    delivery_cost = models.DecimalField(
        _("delivery cost"),
        max_digits=limits.AMOUNT_DIGITS,
        decimal_places=limits.MONEY_PLACES,
        default=Decimal("0"),
    )
    total = models.DecimalField(
        _("total"),
        max_digits=limits.AMOUNT_DIGITS,
        decimal_places=limits.MONEY_PLACES,
        default=Decimal("0"),
    )
    payment_method = models.CharField(_("payment method"), max_length=32, blank=True, default="")
    paid_amount = models.DecimalField(
        _("paid amount"),
        max_digits=limits.AMOUNT_DIGITS,
        decimal_places=limits.MONEY_PLACES,
        default=Decimal("0"),
    )
    payment_status = models.CharField(_("payment status"), max_length=32, blank=True, default="")

    # delivery (COD-12/13, SHOP-7)
    delivery_method = models.CharField(_("delivery method"), max_length=32, blank=True, default="")
    delivery_address = models.JSONField(_("delivery address"), default=dict, blank=True)
    delivery_date = models.DateField(_("delivery date"), null=True, blank=True)
    delivery_time_from = models.TimeField(_("delivery from"), null=True, blank=True)
    delivery_time_to = models.TimeField(_("delivery to"), null=True, blank=True)
    delivery_window_approved = models.BooleanField(
        _("short window approved by delivery department"), default=False
    )
    delivery_note = models.TextField(_("note to delivery department"), blank=True, default="")
    delivery_flag = models.BooleanField(_("red flag for delivery department"), default=False)

    extra = models.JSONField(_("playbook data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), db_index=True)
    updated_at = models.DateTimeField(_("updated at"))
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "external_id"],
                condition=Q(external_id__isnull=False),
                name="order_project_external_id",
            )
        ]
        indexes = [
            # take next: due orders of a bucket in taking order (COD-7…9)
            models.Index(fields=["project", "bucket", "due_at", "id"], name="order_queue"),
            # live counts: a tab is a bucket plus an arrival-day range (COD-1…6)
            models.Index(
                fields=["project", "bucket", "created_at", "failed_calls"], name="order_tab"
            ),
            models.Index(fields=["project", "status"], name="order_status"),
            # DUN-3: the worklist's "to process today" (a bucket, a status group, due by
            # tonight) counted from the index alone
            models.Index(
                fields=["project", "bucket", "status_group", "due_at"], name="order_bucket_group"
            ),
            models.Index(fields=["project", "-created_at", "-id"], name="order_newest"),
            models.Index(fields=["customer"], name="order_customer"),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.customer_name}"


class OrderItem(models.Model):
    """An order line with frozen commercial facts (STYLE 5): unit price, discount, name."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="+")
    sku = models.CharField(_("SKU"), max_length=limits.SKU)
    name = models.CharField(_("name"), max_length=limits.PRODUCT_NAME)
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = models.DecimalField(
        _("unit price"), max_digits=limits.PRICE_DIGITS, decimal_places=limits.MONEY_PLACES
    )
    discount_percent = models.DecimalField(
        _("discount, %"), max_digits=5, decimal_places=2, default=Decimal("0")
    )
    # SUB-5: a fixed discount per unit (a special discount): customer- and partner-facing
    # outputs say "special discount", never where it came from
    discount_amount = models.DecimalField(
        _("discount per unit"),
        max_digits=limits.PRICE_DIGITS,
        decimal_places=limits.MONEY_PLACES,
        default=Decimal("0"),
    )
    line_total = models.DecimalField(
        _("line total"), max_digits=limits.AMOUNT_DIGITS, decimal_places=limits.MONEY_PLACES
    )
    is_main = models.BooleanField(_("main product"), default=False)
    added_at = models.DateTimeField()

    class Meta:
        verbose_name = _("order item")
        verbose_name_plural = _("order items")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.name} × {self.quantity}"

    @property
    def is_gift(self) -> bool:
        return self.discount_percent >= 100

    @property
    def special_discount(self) -> bool:
        """SUB-5: a fixed discount per unit was applied to this line."""
        return self.discount_amount > 0

    @property
    def net_unit_price(self) -> Decimal:
        """The unit price the line total is made of: less the fixed discount per unit
        (what `orders.rules.LineFact` takes, so totals stay one computation)."""
        return net_price(self.unit_price, self.discount_amount)
