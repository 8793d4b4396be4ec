"""Fields an operator or a partner can set, declared once (issue 11, STYLE 9): type,
limits that fit the column, label (an English message id, translated at the edge), widget
kind, who may write it and where it is stored. The API schemas (`httpkit/api_schemas.py`),
the workspace forms (`web/forms.py`, `web/card_context.py`), the serializers
(`httpkit/api_serializers.py`), the outcome fields of the playbook engine and the edit
services are derived from this.

A playbook's plug-in may declare inputs of its own results (issue 26: a day, a place the
customer names) with `register_outcome_field`, from its `register()` (its AppConfig's
`ready()`). They are declared like the engine's and reach the same consumers, which
therefore read the declarations when they use them (`BY_NAME`, `declared`,
`outcome_inputs`), never from a copy taken when a module was imported: the models import
this module while the apps load, before any plug-in registered anything.

Pure: no Django imports, so the playbook definition can use it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from dozvon.core import limits
from dozvon.core.errors import Violation, register_field_labels, violation


def N_(message: str) -> str:
    """Marks a label for translation (extracted by makemessages); translated at the edge."""
    return message


class Kind(StrEnum):
    """What a value is: it decides the API type, the form widget and parser, and how the
    serializer writes it."""

    TEXT = "text"  # one line
    LONG_TEXT = "long_text"  # several lines
    CODE = "code"  # one of a list the playbook or the model declares (`choices`)
    INTEGER = "integer"  # a whole number, e.g. days
    MONEY = "money"  # Decimal, two places, written as a string "552.00"
    DATE = "date"
    DATETIME = "datetime"  # a moment, local to the project when typed without an offset
    TIME = "time"  # written as HH:MM
    BOOL = "bool"
    ADDRESS = "address"  # parts: region, city, street, house, building, apartment…
    PHONE = "phone"
    PHONES = "phones"  # a list of phones
    EMAIL = "email"


class Store(StrEnum):
    ORDER = "order"
    CUSTOMER = "customer"
    OUTCOME = "outcome"  # inputs of saving a result that are not order fields as such


OPERATORS = frozenset({"operator", "supervisor"})
DELIVERY = frozenset({"delivery", "supervisor"})
SUPERVISORS = frozenset({"supervisor"})


@dataclass(frozen=True)
class FieldDecl:
    name: str
    kind: Kind
    label: str
    store: Store
    max_length: int | None = None
    # where a CODE field's allowed values come from: "payment_methods" (the playbook),
    # "delivery_methods" (the playbook), "genders", "customer_types" (the model)
    choices: str = ""
    # who may write it (an administrator always may); others get a refusal naming `rule`
    writers: frozenset[str] = OPERATORS
    rule: str = ""
    outcome: bool = False  # an outcome may require, forbid or carry it
    edit: bool = True  # an edit (PATCH, the card) may set it
    help: str = ""
    # the app label of the plug-in that declared it (`register_outcome_field`); "" for the
    # engine's own fields. Only the results of that plug-in's playbooks take it.
    plugin: str = ""


# Every part an address may have; a playbook names the ones its operators fill
# (`settings.address_parts`; COD-12: no entrance, intercom, floor or metro).
ALL_ADDRESS_PARTS: tuple[str, ...] = (
    "postal_code",
    "region",
    "district",
    "city",
    "street",
    "house",
    "building",
    "apartment",
    "entrance",
    "intercom",
    "floor",
    "metro",
    "directions",
)
ADDRESS_PARTS: tuple[str, ...] = ("region", "city", "street", "house", "building", "apartment")
ADDRESS_LABELS: dict[str, str] = {
    "postal_code": N_("Postal code"),
    "region": N_("Region"),
    "district": N_("District"),
    "city": N_("City"),
    "street": N_("Street"),
    "house": N_("House"),
    "building": N_("Building"),
    "apartment": N_("Apartment"),
    "entrance": N_("Entrance"),
    "intercom": N_("Intercom"),
    "floor": N_("Floor"),
    "metro": N_("Metro"),
    "directions": N_("Directions"),
}


def address_parts(settings) -> tuple[str, ...]:
    """The address parts a playbook's operators fill, in the order they are shown."""
    wanted = settings.get("address_parts") or ADDRESS_PARTS
    return tuple(p for p in ALL_ADDRESS_PARTS if p in wanted)


_O, _C = Store.ORDER, Store.CUSTOMER
FIELDS: tuple[FieldDecl, ...] = (
    # order: payment (X-5, SHOP-7)
    FieldDecl(
        "payment_method",
        Kind.CODE,
        N_("Payment method"),
        _O,
        limits.PAYMENT_CODE,
        choices="payment_methods",
        outcome=True,
    ),
    FieldDecl("paid_amount", Kind.MONEY, N_("Paid amount"), _O, outcome=True),
    FieldDecl(
        "payment_status", Kind.TEXT, N_("Payment status"), _O, limits.PAYMENT_CODE, outcome=True
    ),
    # order: delivery (COD-13, SHOP-3, SHOP-7)
    FieldDecl(
        "delivery_method",
        Kind.CODE,
        N_("Delivery method"),
        _O,
        limits.PAYMENT_CODE,
        choices="delivery_methods",  # the project's methods (delivery app), SHOP-7
        outcome=True,
    ),
    FieldDecl("delivery_address", Kind.ADDRESS, N_("Delivery address"), _O, outcome=True),
    FieldDecl("delivery_date", Kind.DATE, N_("Delivery date"), _O, outcome=True),
    FieldDecl("delivery_time_from", Kind.TIME, N_("Delivery from"), _O, outcome=True),
    FieldDecl("delivery_time_to", Kind.TIME, N_("Delivery to"), _O, outcome=True),
    FieldDecl(
        "delivery_window_approved",
        Kind.BOOL,
        N_("Short window approved by the delivery department"),
        _O,
        writers=DELIVERY,
        rule="SHOP-7",
        outcome=True,
    ),
    FieldDecl(
        "delivery_note",
        Kind.LONG_TEXT,
        N_("Note to the delivery department"),
        _O,
        limits.COMMENT,
        writers=OPERATORS | DELIVERY,
        outcome=True,
    ),
    FieldDecl("delivery_cost", Kind.MONEY, N_("Delivery cost"), _O),
    # customer
    FieldDecl("surname", Kind.TEXT, N_("Surname"), _C, limits.NAME_PART),
    FieldDecl("first_name", Kind.TEXT, N_("First name"), _C, limits.NAME_PART),
    FieldDecl("patronymic", Kind.TEXT, N_("Patronymic"), _C, limits.NAME_PART),
    FieldDecl("gender", Kind.CODE, N_("Gender"), _C, limits.CODE, choices="genders"),
    FieldDecl("email", Kind.EMAIL, N_("Email"), _C, limits.EMAIL),
    FieldDecl("type", Kind.CODE, N_("Customer type"), _C, limits.CODE, choices="customer_types"),
    FieldDecl("vip", Kind.BOOL, N_("VIP"), _C, writers=SUPERVISORS, rule="X-3"),
    FieldDecl("phone", Kind.PHONE, N_("Main phone"), _C, limits.PHONE_INPUT),
    FieldDecl("extra_phones", Kind.PHONES, N_("Extra phones"), _C, limits.PHONE_INPUT),
    FieldDecl("payer_address", Kind.ADDRESS, N_("Payer address"), _C),
    FieldDecl("recipient_address", Kind.ADDRESS, N_("Recipient address"), _C),
    FieldDecl("operator_comment", Kind.LONG_TEXT, N_("Operator comment"), _C, limits.COMMENT),
    FieldDecl("customer_comment", Kind.LONG_TEXT, N_("Customer comment"), _C, limits.COMMENT),
    # a result's own inputs: the problem, the dated comment, the callback time
    FieldDecl("problem", Kind.CODE, N_("Problem"), Store.OUTCOME, limits.CODE, choices="problems"),
    FieldDecl("comment", Kind.LONG_TEXT, N_("Comment"), Store.OUTCOME, limits.COMMENT),
    FieldDecl("callback_at", Kind.DATETIME, N_("Call back at"), Store.OUTCOME),
    # DUN-4/5: why a postponement or a cancel (a code of the playbook's problems its check
    # lists), for how many days, until which promised date
    FieldDecl("reason", Kind.CODE, N_("Reason"), Store.OUTCOME, limits.CODE, choices="reasons"),
    FieldDecl("days", Kind.INTEGER, N_("Postpone for, days"), Store.OUTCOME, 3),
    FieldDecl("promised_on", Kind.DATE, N_("Promised to pay on"), Store.OUTCOME),
)
# Every declared field by name: the engine's (FIELDS) and the ones plug-ins registered
# (`register_outcome_field`). Read it when it is used, not at import.
BY_NAME: dict[str, FieldDecl] = {f.name: f for f in FIELDS}
# What every result takes by name, besides the inputs `outcome_inputs` lists.
RESULT_BASICS = frozenset({"problem", "comment", "callback_at"})


def register_outcome_field(plugin: str, decl: FieldDecl) -> FieldDecl:
    """Declare an input of a plug-in's results (its AppConfig's `ready()`, through its
    `register()`; idempotent, `ready()` may run twice): its playbooks' outcomes may then
    require, forbid or offer it, the API's outcome body and the card's result forms take
    it, the outcome's checks read it from their context's values and the history shows it
    by its label. Only a result's input (`Store.OUTCOME`): an order or customer field is
    a column of the engine's, and a plug-in keeps its own facts in its own models. A name
    another plug-in or the engine declared is refused (ValueError)."""
    if not plugin:
        raise ValueError("a plug-in label is required")
    if decl.store != Store.OUTCOME:
        raise ValueError(f"{decl.name}: a plug-in declares inputs of its results only")
    known = BY_NAME.get(decl.name)
    if known is not None and known.plugin != plugin:
        raise ValueError(f"field {decl.name!r} is declared already")
    mine = replace(decl, plugin=plugin)
    BY_NAME[decl.name] = mine
    # a refusal names the field by its label ("Поле «…» обязательно")
    register_field_labels({mine.name: mine.label})
    return mine


def declared(store: Store, *, outcome: bool | None = None, edit: bool | None = None):
    """The declarations stored on `store`, optionally only those an outcome or an edit sets."""
    return tuple(
        f
        for f in BY_NAME.values()
        if f.store == store
        and (outcome is None or f.outcome == outcome)
        and (edit is None or f.edit == edit)
    )


def outcome_inputs(plugin: str | None = None) -> tuple[FieldDecl, ...]:
    """A result's own inputs besides problem, comment and callback time: the engine's
    (DUN-5: reason, days, promised date) and the plug-ins' — with `plugin` given, the
    engine's and that plug-in's only ("" for a playbook the engine alone runs)."""
    return tuple(
        f
        for f in declared(Store.OUTCOME)
        if f.name not in RESULT_BASICS and (plugin is None or f.plugin in ("", plugin))
    )


def outcome_input_names(plugin: str | None = None) -> frozenset[str]:
    return frozenset(f.name for f in outcome_inputs(plugin))


def outcome_field_names(plugin: str | None = None) -> frozenset[str]:
    """Every field an outcome may require, forbid or offer: the order fields it carries,
    its basic inputs and its own (`outcome_inputs`)."""
    return frozenset({*OUTCOME_ORDER_FIELDS, *RESULT_BASICS, *outcome_input_names(plugin)})


# The engine's columns (no plug-in adds one, so these are known when the module loads):
# order fields an outcome may carry and write (SHOP-1…3, SHOP-7) …
OUTCOME_ORDER_FIELDS: tuple[str, ...] = tuple(f.name for f in declared(_O, outcome=True))
# … order and customer fields an edit may set.
EDIT_ORDER_FIELDS: tuple[str, ...] = tuple(f.name for f in declared(_O, edit=True))
CUSTOMER_FIELDS: tuple[str, ...] = tuple(f.name for f in declared(_C, edit=True))


def writable_by(decl: FieldDecl, role: str | None) -> bool:
    """Whether a role may write the field (an administrator may write every field)."""
    return role == "admin" or role in decl.writers


def check_writers(values, *, role: str | None, prefix: str = "") -> list[Violation]:
    """X-2: each field may be written only by the roles its declaration names
    (playbooks/fields.py), e.g. a VIP mark by a supervisor (X-3), a short delivery window's
    approval by the delivery department (SHOP-7)."""
    found = []
    for name in values:
        decl = BY_NAME.get(name)
        if decl is not None and not writable_by(decl, role):
            found.append(
                violation(decl.rule or "X-2", prefix + name, WRITER_MESSAGES.get(name, _DEFAULT))
            )
    return found


_DEFAULT = N_("Your role may not change this field.")
WRITER_MESSAGES = {
    "vip": N_("Only a supervisor may mark a VIP."),
    "delivery_window_approved": N_("Only the delivery department may approve a short window."),
}
