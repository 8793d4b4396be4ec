"""X-9, SUB-5: what an email may say, and saying it.

A template is Django template language run by a standalone `Engine` (no loaders, no tag
libraries, HTML autoescaped) over a context built here from the order — plain strings,
numbers and lists of them, never a model object — so nothing that is not on the
allow-list (`CONTEXT`) can reach a customer: no token, no promo code, no internal id but
the order's number, whatever the template says.

A template is also checked when saved (`template_problems`): every variable it uses, in
output, conditions, loops and filter arguments, must be on the allow-list (attributes
included: `item.name` in a loop over `items`), and only a few harmless tags and filters
may be used. A refusal names the variable.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.template import Context, Engine, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, Variable, VariableNode
from django.template.defaulttags import (
    CommentNode,
    ForNode,
    IfNode,
    SpacelessNode,
    TemplateLiteral,
    WithNode,
)
from django.utils.translation import gettext as _

from dozvon.core.money import display_money
from dozvon.messaging.bonus import bonus_units as offer_units
from dozvon.messaging.rules import public_sender

LEAF = None  # a string or a number: nothing to look up in it
ITEM = {
    "name": LEAF,
    "quantity": LEAF,
    "price": LEAF,
    "discount_percent": LEAF,
    "line_total": LEAF,
    "gift": LEAF,
}
# The allow-list: every name a template may use, and what may be looked up in it (a dict:
# these keys; a list: numbered elements of the given shape).
CONTEXT: dict[str, Any] = {
    "order_number": LEAF,
    "order_date": LEAF,
    "customer_name": LEAF,
    "items": [ITEM],
    "goods_total": LEAF,
    "delivery_cost": LEAF,
    "total": LEAF,
    "currency": LEAF,
    "shop_name": LEAF,
    "bank_details": LEAF,
    "bonus_percent": LEAF,
    "bonus_units": LEAF,
    # DUN-2: what the bonus is, in the customer's terms: the product the extra units are
    # of (its name when the order has one product, else empty), the order's units, and
    # the units the customer gets with the bonus for the same money
    "bonus_product": LEAF,
    "order_units": LEAF,
    "units_with_bonus": LEAF,
    "due_date": LEAF,
    # SUB-1: the information email to an accelerated subscriber (services.message_queue_to)
    "subscription_number": LEAF,
    "collection_name": LEAF,
    "plan_name": LEAF,
    "remaining_issues": LEAF,
    "suspend_on": LEAF,
    # SUB-3: the refund request to the partner: whom to call back and what the operator
    # wrote (promo codes replaced, SUB-5)
    "customer_phone": LEAF,
    "operator_comment": LEAF,
}
# The names a message that is not about an order (message_queue_to) may be given; the
# rest of the allow-list is empty there.
SUBSCRIPTION_VARIABLES = frozenset(
    {
        "subscription_number", "collection_name", "plan_name", "remaining_issues",
        "suspend_on", "customer_phone", "operator_comment",
    }
)  # fmt: skip
BONUS_VARIABLES = frozenset({"bonus_percent", "bonus_units", "units_with_bonus"})
# The names the project's bank details (mail settings) may use: "purpose of payment: order
# No. {{ order_number }}" is filled in for each email (issue 23 item 11)
BANK_DETAILS_VARIABLES = frozenset({"order_number", "order_date", "total", "customer_name"})
FORLOOP = {k: LEAF for k in ("counter", "counter0", "revcounter", "revcounter0", "first", "last")}
NODES = (TextNode, VariableNode, IfNode, ForNode, WithNode, CommentNode, SpacelessNode)
FILTERS = frozenset(
    {
        "add", "capfirst", "center", "cut", "default", "default_if_none", "first",
        "floatformat", "join", "last", "length", "linebreaks", "linebreaksbr", "ljust",
        "lower", "pluralize", "rjust", "slice", "title", "truncatechars", "truncatewords",
        "upper", "wordwrap", "yesno",
    }
)  # fmt: skip

ENGINE = Engine(libraries={}, builtins=Engine.default_builtins, autoescape=True)


class TemplateRefused(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- checking a template ------------------------------------------------------------------


def template_problems(*, subject: str, body_text: str, body_html: str) -> dict[str, list[str]]:
    """Each part's problems (unknown variable, refused tag or filter, syntax), by field."""
    problems = {}
    for name, source in (("subject", subject), ("body_text", body_text), ("body_html", body_html)):
        try:
            variables_of(source or "")
        except TemplateRefused as refused:
            problems[name] = [refused.message]
    return problems


def variables_of(source: str) -> set[str]:
    """The allow-listed names `source` uses; TemplateRefused for anything else."""
    try:
        template = ENGINE.from_string(source)
    except TemplateSyntaxError as exc:
        raise TemplateRefused(_("Template error: %(error)s") % {"error": exc}) from exc
    used: set[str] = set()
    _walk(template.nodelist, Scope(dict(CONTEXT), frozenset()), used)
    return used


@dataclass(frozen=True)
class Scope:
    shapes: dict[str, Any]  # every name visible here, with its shape
    local: frozenset[str]  # the names bound by {% for %} / {% with %}

    def bind(self, names: Mapping[str, Any]) -> Scope:
        return Scope({**self.shapes, **names}, self.local | set(names))


def _walk(nodelist, scope: Scope, used: set[str]) -> None:
    for node in nodelist or ():
        if not isinstance(node, NODES):
            raise TemplateRefused(
                _("The tag {%% %(tag)s %%} cannot be used in an email template.")
                % {"tag": _tag(node)}
            )
        if isinstance(node, VariableNode):
            _expression(node.filter_expression, scope, used)
        elif isinstance(node, IfNode):
            for condition, branch in node.conditions_nodelists:
                _condition(condition, scope, used)
                _walk(branch, scope, used)
        elif isinstance(node, ForNode):
            shape = _expression(node.sequence, scope, used)
            element = shape[0] if isinstance(shape, list) and len(node.loopvars) == 1 else LEAF
            inner = scope.bind({"forloop": FORLOOP, **dict.fromkeys(node.loopvars, element)})
            _walk(node.nodelist_loop, inner, used)
            _walk(node.nodelist_empty, scope, used)
        elif isinstance(node, WithNode):
            bound = {k: _expression(v, scope, used) for k, v in node.extra_context.items()}
            _walk(node.nodelist, scope.bind(bound), used)
        elif isinstance(node, SpacelessNode):
            _walk(node.nodelist, scope, used)


def _tag(node: Node) -> str:
    token = getattr(node, "token", None)
    return token.contents.split()[0] if token is not None and token.contents else "?"


def _condition(condition, scope, used) -> None:
    if condition is None:
        return
    if isinstance(condition, TemplateLiteral):
        _expression(condition.value, scope, used)
        return
    _condition(getattr(condition, "first", None), scope, used)
    _condition(getattr(condition, "second", None), scope, used)


def _expression(expression: FilterExpression, scope, used) -> Any:
    """Check the variable and the filters; the shape of the value (LEAF once filtered,
    but for a slice of a list or its first or last element)."""
    shape = _variable(expression.var, scope, used) if expression.is_var else LEAF
    for func, args in expression.filters:
        name = getattr(func, "_filter_name", func.__name__)
        if name not in FILTERS:
            raise TemplateRefused(
                _('The filter "%(filter)s" cannot be used in an email template.') % {"filter": name}
            )
        for lookup, arg in args:
            if lookup:
                _variable(arg, scope, used)
        if name in {"first", "last"} and isinstance(shape, list):
            shape = shape[0]  # an element: `{% with item=items|first %}{{ item.name }}`
        elif name != "slice":  # a slice of a list is a list of the same elements
            shape = LEAF
    return shape


def _variable(variable: Variable, scope, used) -> Any:
    if variable.lookups is None:
        return LEAF  # a literal
    name = variable.lookups[0]
    if name not in scope.shapes:
        raise _unknown(variable.var)
    if name not in scope.local:
        used.add(name)
    shape = scope.shapes[name]
    for part in variable.lookups[1:]:
        if isinstance(shape, dict) and part in shape:
            shape = shape[part]
        elif isinstance(shape, list) and part.isdigit():
            shape = shape[0]
        else:
            raise _unknown(variable.var)
    return shape


def _unknown(name: str) -> TemplateRefused:
    return TemplateRefused(
        _('Unknown variable "%(name)s". Allowed: %(allowed)s.')
        % {"name": name, "allowed": ", ".join(CONTEXT)}
    )


# --- the context and rendering ------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    subject: str
    body_text: str
    body_html: str


def render(template, context: Mapping[str, Any]) -> Rendered:
    """The template's three parts over `context` (HTML escaped, the subject on one line)."""
    subject = ENGINE.from_string(template.subject).render(Context(context, autoescape=False))
    text = ENGINE.from_string(template.body_text).render(Context(context, autoescape=False))
    html = ""
    if template.body_html.strip():
        html = ENGINE.from_string(template.body_html).render(Context(context, autoescape=True))
    return Rendered(" ".join(subject.split()), text, html)


def _percent(value: Decimal) -> str:
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",")


def _day(value: date | datetime | None, tz: str) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(ZoneInfo(tz)).date()
    return f"{value:%d.%m.%Y}"


def bank_details_text(text: str, values: Mapping[str, Any]) -> str:
    """The project's bank details with the order's values filled in where they name them
    (`{{ order_number }}` in the purpose of payment; BANK_DETAILS_VARIABLES). Text that
    names anything else, or is not a valid template, is shown as written: the bank
    details never stop an email, and nothing beyond those values can reach it."""
    if not text or "{" not in text:
        return text
    try:
        used = variables_of(text)
    except TemplateRefused:
        return text
    if not used <= BANK_DETAILS_VARIABLES:
        return text
    shown = {name: values.get(name, "") for name in BANK_DETAILS_VARIABLES}
    return ENGINE.from_string(text).render(Context(shown, autoescape=False))


def _bonus_product(items: list[dict[str, Any]]) -> str:
    """DUN-2: the product the bonus units are of: the order's one product (its gifts
    aside), else none (the template then speaks of the order's products)."""
    names = {item["name"] for item in items if not item["gift"]}
    return names.pop() if len(names) == 1 else ""


def message_context(
    order,
    *,
    mail_settings=None,
    bonus_percent: int | None = None,
    bonus_units: int | None = None,
    due_date: date | datetime | None = None,
) -> dict[str, Any]:
    """The allow-listed values of one order (`CONTEXT`'s keys, nothing else): plain
    strings and numbers, money as people read it ("1 490 ₽"); the bonus of an offer in
    units (DUN-2: the order's units × %, rounded half up, at least 1) unless given."""
    project = order.project
    currency = order.currency
    tz = project.time_zone
    items = [
        {
            "name": item.name,
            "quantity": item.quantity,
            "price": display_money(item.unit_price, currency),
            "discount_percent": _percent(item.discount_percent),
            "line_total": display_money(item.line_total, currency),
            "gift": item.is_gift,
        }
        for item in order.items.all()
    ]
    number = str(order.external_id or order.pk)
    customer_name = order.customer_name or order.customer.full_name
    total = display_money(order.total, currency)
    context: dict[str, Any] = {
        "order_number": number,
        "order_date": _day(order.created_at, tz),
        "customer_name": customer_name,
        "items": items,
        "goods_total": display_money(order.goods_total, currency),
        "delivery_cost": display_money(order.delivery_cost, currency),
        "total": total,
        "currency": currency,
        "shop_name": shop_name(mail_settings),
        "bank_details": "",
        "bonus_percent": "",
        "bonus_units": "",
        "bonus_product": _bonus_product(items),
        "order_units": sum(item["quantity"] for item in items),
        "units_with_bonus": "",
        "due_date": _day(due_date if due_date is not None else order.due_at, tz),
        **dict.fromkeys(SUBSCRIPTION_VARIABLES, ""),
    }
    if mail_settings is not None:
        context["bank_details"] = bank_details_text(mail_settings.bank_details, context)
    if bonus_percent is not None:
        # DUN-2: the bonus is extra units of the order's products ("bonus pills")
        units = context["order_units"]
        extra = bonus_units if bonus_units is not None else offer_units(units, bonus_percent)
        context["bonus_percent"] = bonus_percent
        context["bonus_units"] = extra
        context["units_with_bonus"] = units + extra
    if set(context) != set(CONTEXT):  # the allow-list and the values stay one list
        raise RuntimeError("message_context and CONTEXT disagree")
    return context


def _leaf(value: Any, tz: str) -> str | int:
    """A value a caller gives a message that is not about an order, as a template shows it:
    text, a whole number, a day (dd.mm.yyyy), a decimal ("2,5"). Anything else — a model
    object, a list — is a programming error, never rendered."""
    if isinstance(value, bool) or value is None:
        raise TypeError(f"not a value an email may show: {value!r}")
    if isinstance(value, int | str):
        return value
    if isinstance(value, date):  # datetime too
        return _day(value, tz)
    if isinstance(value, Decimal):
        return _percent(value)
    raise TypeError(f"not a value an email may show: {type(value).__name__}")


def shop_name(mail_settings) -> str:
    """The name an email signs with: the project's public sender name, else the name of
    DEFAULT_FROM_EMAIL — never the project's internal name (issue 24 item 4)."""
    return public_sender(
        sender_name=mail_settings.sender_name if mail_settings else "",
        default_from=settings.DEFAULT_FROM_EMAIL,
    ).name


def free_context(
    *, project, customer_name: str, mail_settings=None, values: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The allow-listed context of a message that is not about an order (SUB-1): the
    customer's name, the project's shop name and bank details, and those of `values` whose
    names are plain values on the allow-list (`SUBSCRIPTION_VARIABLES`, a due date, …);
    every other allow-listed name is empty, and any other name is dropped."""
    tz = project.time_zone
    context: dict[str, Any] = {name: "" for name in CONTEXT}
    context["items"] = []
    context.update(
        customer_name=customer_name,
        shop_name=shop_name(mail_settings),
        bank_details=bank_details_text(
            mail_settings.bank_details if mail_settings else "", {"customer_name": customer_name}
        ),
    )
    fixed = {"customer_name", "shop_name", "bank_details"}
    for name, value in (values or {}).items():
        if name in CONTEXT and CONTEXT[name] is LEAF and name not in fixed:
            context[name] = _leaf(value, tz)
    return context
