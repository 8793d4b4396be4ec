"""X-5 products and prices per project."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dozvon.core import limits


class Product(models.Model):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="products"
    )
    sku = models.CharField(_("SKU"), max_length=limits.SKU)
    name = models.CharField(_("name"), max_length=limits.PRODUCT_NAME)
    price = models.DecimalField(
        _("price"), max_digits=limits.PRICE_DIGITS, decimal_places=limits.MONEY_PLACES
    )
    currency = models.CharField(_("currency"), max_length=3, default="RUB")
    max_discount_percent = models.DecimalField(
        _("max discount, %"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "sku"], name="product_project_sku")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.sku})"
