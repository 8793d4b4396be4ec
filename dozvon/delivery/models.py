"""COD-13, SHOP-7: a project's delivery methods and their rate tables, as data a
supervisor edits in the admin. `rules.delivery_options` turns them into the options an
operator offers for an address."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from dozvon.core import limits

ANYWHERE = "*"


class MethodKind(models.TextChoices):
    COURIER = "courier", _("Courier")
    POST = "post", _("Russian Post")
    PICKUP = "pickup", _("Pickup point")
    TRANSPORT_COMPANY = "transport_company", _("Transport company")
    OTHER = "other", _("Other")


class OfferPolicy(models.TextChoices):
    NORMAL = "normal", _("Offer")
    NOT_WITH_COURIER = "not_with_courier", _("Do not offer when a courier delivers (COD-13)")


class DeliveryMethod(models.Model):
    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="delivery_methods"
    )
    # what the order keeps in `delivery_method` (its column has the same size)
    code = models.CharField(_("code"), max_length=limits.PAYMENT_CODE)
    name_ru = models.CharField(_("name (Russian)"), max_length=limits.PRODUCT_NAME)
    name_uk = models.CharField(_("name (Ukrainian)"), max_length=limits.PRODUCT_NAME, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=limits.PRODUCT_NAME, blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=MethodKind.choices)
    offer = models.CharField(
        _("offer"),
        max_length=20,
        choices=OfferPolicy.choices,
        default=OfferPolicy.NORMAL,
        help_text=_("COD-13: Russian Post is not offered where a courier delivers."),
    )
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("delivery method")
        verbose_name_plural = _("delivery methods")
        ordering = ["project", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["project", "code"], name="deliverymethod_project_code")
        ]

    def __str__(self) -> str:
        return f"{self.name_ru} ({self.code})"

    def name(self, lang: str | None) -> str:
        """The name in the reader's language, Russian when that one is missing."""
        names = {"ru": self.name_ru, "uk": self.name_uk, "en": self.name_en}
        return names.get((lang or "ru")[:2]) or self.name_ru or self.code


class DeliveryRate(models.Model):
    """One row of a rate table: where the method delivers, at what cost and how fast.

    `region` and `city` are matched against the address (case and "ё" ignored); "*" is
    anywhere. The most specific matching row of a method wins: region and city over city
    over region over "*"."""

    project = models.ForeignKey(
        "projects.Project", on_delete=models.CASCADE, related_name="delivery_rates"
    )
    method = models.ForeignKey(
        DeliveryMethod,
        on_delete=models.CASCADE,
        related_name="rates",
        verbose_name=_("delivery method"),
    )
    region = models.CharField(
        _("region"),
        max_length=limits.ADDRESS_VALUE,
        default=ANYWHERE,
        help_text=_("As in the address, e.g. «Московская область»; * for any region."),
    )
    city = models.CharField(
        _("city"),
        max_length=limits.ADDRESS_VALUE,
        default=ANYWHERE,
        help_text=_("As in the address, e.g. «Москва»; * for any city."),
    )
    cost = models.DecimalField(
        _("cost"),
        max_digits=limits.PRICE_DIGITS,
        decimal_places=limits.MONEY_PLACES,
        validators=[MinValueValidator(0), MaxValueValidator(limits.MAX_PRICE)],
    )
    days_min = models.PositiveSmallIntegerField(_("days from"), default=1)
    days_max = models.PositiveSmallIntegerField(_("days to"), default=1)
    free_from = models.DecimalField(
        _("free from goods total"),
        max_digits=limits.AMOUNT_DIGITS,
        decimal_places=limits.MONEY_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(limits.MAX_AMOUNT)],
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("delivery rate")
        verbose_name_plural = _("delivery rates")
        ordering = ["project", "method", "region", "city"]
        constraints = [
            models.UniqueConstraint(
                fields=["method", "region", "city"], name="deliveryrate_method_place"
            ),
            models.CheckConstraint(
                condition=Q(days_max__gte=F("days_min")), name="deliveryrate_days_range"
            ),
            models.CheckConstraint(condition=Q(cost__gte=0), name="deliveryrate_cost_not_negative"),
        ]
        indexes = [models.Index(fields=["project", "is_active"], name="deliveryrate_project")]

    def __str__(self) -> str:
        where = " / ".join(p for p in (self.region, self.city) if p and p != ANYWHERE)
        return f"{self.method.name_ru}: {where or ANYWHERE}"

    def clean(self):
        days = (self.days_min, self.days_max)
        if None not in days and days[1] < days[0]:
            raise ValidationError({"days_max": _("Cannot be less than «days from».")})
        if self.method_id and self.project_id and self.method.project_id != self.project_id:
            raise ValidationError({"method": _("The method belongs to another project.")})
