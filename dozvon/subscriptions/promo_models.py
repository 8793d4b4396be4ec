"""SUB-5: the project's promo codes (operators only, a fixed amount per unit of one
collection's issues) and where each was applied. Models of the subscriptions app, imported
by models.py."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dozvon.core.money import display_money
from dozvon.subscriptions import promo_rules


class PromoVisibility(models.TextChoices):
    OPERATORS = promo_rules.OPERATORS_ONLY, _("Operators only")


class PromoCode(models.Model):
    """SUB-5: a project's promo code known only to operators: a fixed discount per unit
    on the issues of one collection, until a date. Its text never leaves the call centre:
    timelines, audit, emails, webhooks, the changes feed and partner outputs say "special
    discount" (`PromoApplication` keeps which code it was)."""

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="promo_codes",
        verbose_name=_("project"),
    )
    code = models.CharField(_("code"), max_length=promo_rules.CODE_MAX)
    visibility = models.CharField(
        _("visibility"),
        max_length=16,
        choices=PromoVisibility.choices,
        default=PromoVisibility.OPERATORS,
    )
    discount_amount = models.DecimalField(
        _("discount per unit"), max_digits=10, decimal_places=2, validators=[MinValueValidator(0)]
    )
    collection = models.ForeignKey(
        "subscriptions.Collection",
        on_delete=models.PROTECT,
        related_name="promo_codes",
        verbose_name=_("applies to the issues of"),
    )
    valid_until = models.DateField(_("valid until"))
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("promo code")
        verbose_name_plural = _("promo codes")
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="promocode_project_code")
        ]

    def __str__(self) -> str:
        # never the code: this string may show in a select box or a log line
        return f"#{self.pk} {self.collection.name} −{display_money(self.discount_amount)}"

    def save(self, *args, **kwargs):
        self.code = promo_rules.normalize_code(self.code)
        super().save(*args, **kwargs)

    def facts(self, product_ids) -> promo_rules.PromoFacts:
        return promo_rules.PromoFacts(
            active=self.active,
            valid_until=self.valid_until,
            discount_amount=self.discount_amount,
            product_ids=frozenset(product_ids),
        )


class PromoApplication(models.Model):
    """SUB-5: a promo code applied to an order by an operator (the internal record of
    which code it was; everything else says "special discount")."""

    promo = models.ForeignKey(
        PromoCode, on_delete=models.PROTECT, related_name="applications", verbose_name=_("code")
    )
    order = models.ForeignKey(
        "orders.Order", on_delete=models.CASCADE, related_name="+", verbose_name=_("order")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("applied by"),
    )
    items = models.PositiveIntegerField(_("items"))
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("promo code use")
        verbose_name_plural = _("promo code uses")
        indexes = [models.Index(fields=["order", "id"], name="promoapplication_order")]

    def __str__(self) -> str:
        return f"#{self.order_id} {self.at:%Y-%m-%d %H:%M}"
