"""Customers are found by phone (X-4) or created on intake."""

from __future__ import annotations

from dataclasses import dataclass

from dozvon.core.phones import parse_phone
from dozvon.customers.models import Customer, CustomerPhone
from dozvon.customers.rules import split_name, vip_for


@dataclass(frozen=True)
class CustomerInput:
    name: str
    phone: str
    email: str = ""
    type: str = "private"


def phone_key(raw: str) -> str:
    """What a phone is stored and searched as: E.164 when parseable, else its digits."""
    parsed = parse_phone(raw)
    return parsed.e164 or "".join(ch for ch in raw if ch.isdigit()) or raw.strip()


def customer_for_intake(*, project, data: CustomerInput) -> Customer:
    phone = phone_key(data.phone)
    found = (
        CustomerPhone.objects.filter(project=project, phone=phone)
        .select_related("customer")
        .order_by("-is_main", "id")
        .first()
    )
    if found is not None:
        customer = found.customer
        if data.email and not customer.email:
            customer.email = data.email
            customer.save(update_fields=["email"])
        return customer
    surname, first_name, patronymic = split_name(data.name)
    customer = Customer.objects.create(
        project=project,
        type=data.type,
        vip=vip_for(data.type, False),
        surname=surname,
        first_name=first_name,
        patronymic=patronymic,
        email=data.email,
        phone=phone,
        phone_valid=parse_phone(data.phone).valid,
    )
    CustomerPhone.objects.create(project=project, customer=customer, phone=phone, is_main=True)
    return customer
