"""X-6: history in words. The timeline keeps raw values (codes, ISO dates, "350.00") in
each line's data; this module puts them in the reader's words when the line is read, so
lines written before today read right too: a choice by its translated name (gender,
customer type, the project's delivery method, payment method and status, a problem or
reason, a mark), money by the one money format (`core/money.py`), a day as дд.мм.гггг,
a time as чч:мм, a list joined, a phone as people write it, nothing as «—»."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_noop as N_

from dozvon.core import plugins
from dozvon.core.errors import register_field_labels
from dozvon.core.money import display_money
from dozvon.core.phones import format_phone
from dozvon.customers.models import CustomerType, Gender
from dozvon.playbooks.fields import ADDRESS_LABELS, ALL_ADDRESS_PARTS, BY_NAME, FieldDecl, Kind

EMPTY = "—"

# payment methods a playbook may list, by their names (the one table: the card, the
# exports and the history read it).
PAYMENT_LABELS = {
    "cod": N_("Cash on delivery"),
    "cash": N_("Cash"),
    "card": N_("Card"),
    "invoice": N_("Invoice"),
    "bank_transfer": N_("Bank transfer"),  # DUN
}
# SHOP-7: the payment statuses people and partners write (free text otherwise).
PAYMENT_STATUS_LABELS = {
    "paid": N_("Paid"),
    "unpaid": N_("Not paid"),
    "not_paid": N_("Not paid"),
    "partial": N_("Partly paid"),
    "partially_paid": N_("Partly paid"),
    "refunded": N_("Refunded"),
}
# Fields of an inbound interaction's history (SUB, NBO) that are not order fields.
OTHER_LABELS = {
    "subject": N_("Subject"),
    "transferred_to": N_("Transferred to"),
    "customer.vip": N_("VIP"),
}


@dataclass
class Reader:
    """What putting a line's values in words needs besides the line: the playbook (its
    problems), the language, and — loaded only when a line needs them — the order's
    currency and its project's delivery method names."""

    pb: Any = None
    lang: str = "ru"
    currency: Callable[[], str] = lambda: ""
    methods: Callable[[], Mapping[str, str]] = dict
    zone: Callable[[], str] = lambda: ""  # the project's time zone, for a moment
    _cache: dict[str, Any] = field(default_factory=dict)

    def once(self, key: str, load: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = load()
        return self._cache[key]


def is_empty(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}


def field_label(name: str) -> str:
    """A field of a history line by its label ("customer.gender" → "Пол")."""
    decl = BY_NAME.get(name.removeprefix("customer."))
    if name in OTHER_LABELS:
        return gettext(OTHER_LABELS[name])
    return gettext(decl.label) if decl is not None else name


def show_value(name: str, value: Any, reader: Reader) -> str:
    """One stored value of the field `name` as a person reads it."""
    if is_empty(value):
        return EMPTY
    decl = BY_NAME.get(name.removeprefix("customer."))
    if decl is None:
        if isinstance(value, bool):
            return gettext("Yes") if value else gettext("No")
        return _joined(value) if isinstance(value, list) else str(value)
    try:
        return _show_declared(decl, value, reader)
    except (ValueError, TypeError, InvalidOperation):
        return str(value)  # a value of an older shape: as it was stored


def _show_declared(decl: FieldDecl, value: Any, reader: Reader) -> str:
    kind = decl.kind
    if kind == Kind.CODE:
        return choice_name(decl.choices, str(value), reader)
    if decl.name == "payment_status":
        return gettext(PAYMENT_STATUS_LABELS[value]) if value in PAYMENT_STATUS_LABELS else value
    if kind == Kind.MONEY:
        return display_money(Decimal(str(value)), reader.once("currency", reader.currency))
    if kind == Kind.DATE:
        day = value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
        return day.strftime("%d.%m.%Y")
    if kind == Kind.TIME:
        at = value if isinstance(value, time) else time.fromisoformat(str(value))
        return at.strftime("%H:%M")
    if kind == Kind.DATETIME:
        moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
        if timezone.is_aware(moment):
            zone = reader.once("zone", reader.zone)
            moment = moment.astimezone(ZoneInfo(zone)) if zone else timezone.localtime(moment)
        return moment.strftime("%d.%m.%Y %H:%M")
    if kind == Kind.BOOL:
        return gettext("Yes") if value in (True, "True", "true", 1) else gettext("No")
    if kind == Kind.PHONE:
        return format_phone(str(value))
    if kind == Kind.PHONES:
        return _joined([format_phone(str(p)) for p in value])
    if kind == Kind.ADDRESS and isinstance(value, dict):
        return address_text(value)
    return _joined(value) if isinstance(value, list) else str(value)


def address_text(value: Mapping[str, Any]) -> str:
    """An address's parts in their order; a part that does not say itself by its label
    ("кв. 5" rather than "5")."""
    parts = []
    for part in ALL_ADDRESS_PARTS:
        text = str(value.get(part) or "").strip()
        if not text:
            continue
        if part in ("postal_code", "region", "district", "city", "street", "directions"):
            parts.append(text)
        else:
            parts.append(f"{gettext(ADDRESS_LABELS[part]).lower()} {text}")
    return ", ".join(parts) or EMPTY


def choice_name(choices: str, code: str, reader: Reader) -> str:
    """A code of a list by its name in the reader's language; the code when the list no
    longer knows it."""
    if choices == "genders":
        return str(Gender(code).label) if code in Gender.values else code
    if choices == "customer_types":
        return str(CustomerType(code).label) if code in CustomerType.values else code
    if choices == "payment_methods":
        return gettext(PAYMENT_LABELS[code]) if code in PAYMENT_LABELS else code
    if choices == "delivery_methods":
        return reader.once("methods", reader.methods).get(code, code)
    if choices in ("problems", "reasons") and reader.pb is not None and code in reader.pb.problems:
        return reader.pb.problems[code].get(reader.lang)
    return code


@dataclass(frozen=True)
class TimelineWords:
    """The TIMELINE extension point's item: a playbook plug-in's words for its own
    history lines — the names of the marks its effects set (`mark` effects' flags)."""

    marks: Mapping[str, str] = field(default_factory=dict)


def mark_name(flag: str, pb) -> str:
    """A mark by the name its playbook's plug-in gives it (TIMELINE), else as stored."""
    for words in plugins.for_playbook(plugins.TIMELINE, pb):
        if flag in words.marks:
            return gettext(words.marks[flag])
    return flag


def _joined(values: list) -> str:
    shown = [str(v) for v in values if not is_empty(v)]
    return ", ".join(shown) or EMPTY


def edit_text(data: Mapping[str, Any], reader: Reader) -> str | None:
    """ "Пол: — → Женский" from an edit line's data; None when the data holds no values."""
    if "old" not in data and "new" not in data:
        return None
    name = str(data["field"])
    old = show_value(name, data.get("old"), reader)
    new = show_value(name, data.get("new"), reader)
    return f"{field_label(name)}: {old} → {new}"


def outcome_details(data: Mapping[str, Any], reader: Reader) -> str:
    """What a result set besides its status, in words ("Проблема: Дорого; Дата доставки:
    08.12.2026"); "" when nothing."""
    parts = []
    if data.get("problem"):
        parts.append(
            f"{gettext('Problem')}: {choice_name('problems', str(data['problem']), reader)}"
        )
    if data.get("callback_at"):
        moment = show_value("callback_at", data["callback_at"], reader)
        parts.append(f"{field_label('callback_at')}: {moment}")
    for source in ("fields", "inputs"):
        for name, value in (data.get(source) or {}).items():
            if name in ("comment", "problem") or is_empty(value):
                continue
            parts.append(f"{field_label(name)}: {show_value(name, value, reader)}")
    return "; ".join(parts)


def person_name(user) -> str:
    """People by their full name; the login only when they have no name."""
    if user is None:
        return ""
    return (user.get_full_name() or "").strip() or user.get_username()


def reader_lang() -> str:
    return (get_language() or "ru")[:2]


# refusals name their field by the declared label ("Поле «Причина» обязательно")
register_field_labels({decl.name: decl.label for decl in BY_NAME.values()})
