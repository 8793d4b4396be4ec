"""Customers are found by phone (X-4) or created on intake."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from dozvon.core.compiled import CompiledRead
from dozvon.core.errors import Violation, violation
from dozvon.core.phones import parse_phone
from dozvon.customers.models import Customer, CustomerPhone, CustomerType, Gender
from dozvon.customers.rules import check_email, check_phone, phone_key, split_name, vip_for
from dozvon.playbooks.fields import CUSTOMER_FIELDS, check_writers

# What may be edited of a customer, declared in playbooks/fields.py.
EDITABLE = CUSTOMER_FIELDS
NAME_FIELDS = frozenset({"surname", "first_name", "patronymic"})


@dataclass(frozen=True)
class CustomerInput:
    name: str
    phone: str
    email: str = ""
    type: str = "private"


# The customer a phone belongs to in a project (its main phone first): read on every
# intake, compiled once (issue 18).
_BY_PHONE = CompiledRead(
    CustomerPhone,
    lambda project_id, phone: (
        CustomerPhone.objects.filter(project_id=project_id, phone=phone)
        .select_related("customer")
        .order_by("-is_main", "id")[:1]
    ),
    int,
    str,
)


def customer_for_intake(*, project, data: CustomerInput) -> Customer:
    phone = phone_key(data.phone)
    found = _BY_PHONE.first(project.pk, phone)
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


def customer_check_edit(values: Mapping[str, Any], *, role: str | None) -> list[Violation]:
    """X-3/X-4: every refusal of a customer edit at once (fields prefixed `customer.`)."""
    found = [
        violation("input", f"customer.{name}", "Unknown field.")
        for name in sorted(set(values) - set(EDITABLE))
    ]
    if "phone" in values:
        found += check_phone(values["phone"], field="customer.phone")
    for index, extra in enumerate(values.get("extra_phones") or []):
        found += check_phone(extra, field=f"customer.extra_phones[{index}]")
    if "email" in values:
        found += check_email(values["email"], field="customer.email")
    if "gender" in values and values["gender"] not in Gender.values:
        found.append(violation("X-3", "customer.gender", "Unknown gender."))
    if "type" in values and values["type"] not in CustomerType.values:
        found.append(violation("X-3", "customer.type", "Unknown customer type."))
    return found + check_writers(values, role=role, prefix="customer.")


def customer_update(
    *, customer: Customer, project, values: Mapping[str, Any]
) -> dict[str, tuple[Any, Any]]:
    """Write checked customer edits (X-3, X-4); the changes as {"customer.<field>": (old,
    new)} for the caller's timeline and audit. The caller holds the transaction and has
    run `customer_check_edit`."""
    changes: dict[str, tuple[Any, Any]] = {}
    written: list[str] = []
    old_phone = customer.phone
    extras_before = (
        set(_extra_phones(customer)) if {"phone", "extra_phones"} & set(values) else set()
    )
    for name, value in values.items():
        if name == "extra_phones":
            continue
        if name == "phone":
            value = phone_key(value)
        old = getattr(customer, name)
        if old != value:
            changes[f"customer.{name}"] = (old, value)
            setattr(customer, name, value)
            written.append(name)
    if "type" in values or "vip" in values:
        vip = vip_for(customer.type, customer.vip)
        if vip != customer.vip:
            changes["customer.vip"] = (customer.vip, vip)
            customer.vip = vip
            written.append("vip")
    # a main phone replaced is kept as an extra phone of the customer (the line
    # says "old → new"); the extra phones the form sent never drop it
    kept = {old_phone} if "phone" in written and old_phone else set()
    if "phone" in written:
        customer.phone_valid = True
        written.append("phone_valid")
        CustomerPhone.objects.filter(customer=customer, is_main=True).update(is_main=False)
        CustomerPhone.objects.update_or_create(
            customer=customer, phone=customer.phone, defaults={"project": project, "is_main": True}
        )
    if "extra_phones" in values:
        sent = {phone_key(p) for p in values["extra_phones"] or []}
        wanted = (sent | kept) - {customer.phone}
        # what the person saw before, with the old main number where the change put it
        expected = (extras_before | kept) - {customer.phone}
        if wanted != expected:
            changes["customer.extra_phones"] = (sorted(expected), sorted(wanted))
        current = set(_extra_phones(customer))
        if wanted != current:
            CustomerPhone.objects.filter(
                customer=customer, is_main=False, phone__in=current - wanted
            ).delete()
            CustomerPhone.objects.bulk_create(
                CustomerPhone(project=project, customer=customer, phone=p)
                for p in sorted(wanted - current)
            )
    if written:
        customer.save(update_fields=sorted(set(written)))
    return changes


def _extra_phones(customer: Customer) -> list[str]:
    return list(
        CustomerPhone.objects.filter(customer=customer, is_main=False).values_list(
            "phone", flat=True
        )
    )
