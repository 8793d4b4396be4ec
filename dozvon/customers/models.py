"""X-3 customers and X-4 phones (E.164)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from dozvon.core import limits


class CustomerType(models.TextChoices):
    PRIVATE = "private", _("Private person")
    LEGAL = "legal", _("Legal entity")
    GOVERNMENT = "government", _("Government institution")


class Gender(models.TextChoices):
    UNKNOWN = "", _("Not specified")
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class Customer(models.Model):
    """A person or organisation of one project.

    Legal entity / government (X-3): `surname` holds the short legal name and
    `first_name` the contact person.
    """

    project = models.ForeignKey(
        "projects.Project",
        on_delete=models.CASCADE,
        related_name="customers",
        verbose_name=_("project"),
    )
    type = models.CharField(
        _("customer type"), max_length=16, choices=CustomerType.choices, default="private"
    )
    vip = models.BooleanField(_("VIP"), default=False)
    surname = models.CharField(_("surname"), max_length=limits.NAME_PART, blank=True, default="")
    first_name = models.CharField(
        _("first name"), max_length=limits.NAME_PART, blank=True, default=""
    )
    patronymic = models.CharField(
        _("patronymic"), max_length=limits.NAME_PART, blank=True, default=""
    )
    gender = models.CharField(
        _("gender"), max_length=8, choices=Gender.choices, blank=True, default=""
    )
    email = models.EmailField(_("email"), max_length=limits.EMAIL, blank=True, default="")
    phone = models.CharField(_("main phone"), max_length=32, db_index=True)
    phone_valid = models.BooleanField(_("phone is valid"), default=True)
    payer_address = models.JSONField(_("payer address"), default=dict, blank=True)
    recipient_address = models.JSONField(_("recipient address"), default=dict, blank=True)
    operator_comment = models.TextField(_("operator comment"), blank=True, default="")
    customer_comment = models.TextField(_("customer comment"), blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")

    def __str__(self) -> str:
        return self.full_name or self.phone

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.surname, self.first_name, self.patronymic) if p)


class CustomerPhone(models.Model):
    """Every phone of a customer (main and extra), E.164, for search by any format."""

    project = models.ForeignKey("projects.Project", on_delete=models.CASCADE)
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="phones")
    phone = models.CharField(_("phone"), max_length=32)
    is_main = models.BooleanField(_("main phone"), default=False)

    class Meta:
        verbose_name = _("phone")
        verbose_name_plural = _("phones")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "phone"], name="customerphone_customer_phone"
            )
        ]
        indexes = [models.Index(fields=["project", "phone"], name="customerphone_lookup")]

    def __str__(self) -> str:
        return self.phone
