"""Domain errors with stable codes (STYLE "Errors carry a stable code").

A refusal carries every violation at once; the API renders them as 422
`{"errors": [{"rule", "field", "message"}]}`, the web UI next to each field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from typing import Any


def N_(message: str) -> str:
    """Marks a message id for translation (extracted by makemessages; translated later)."""
    return message


@dataclass(frozen=True)
class Violation:
    """One broken rule: the SPEC rule ID, the field to fix, a message key and its params.

    `message` is an untranslated (English) message id; `render()` translates it into the
    active language at the edge.
    """

    rule: str
    field: str
    message: str
    params: tuple[tuple[str, Any], ...] = ()

    def render(self) -> str:
        from django.utils.translation import gettext

        params = dict(self.params)
        label = params.get("label") or FIELD_LABELS.get(_bare(self.field))
        message = NAMING_THE_FIELD.get(self.message, self.message) if label else self.message
        text = gettext(message)
        if label:
            params["label"] = gettext(label)  # a field's label is a message id too
        if params:
            with suppress(KeyError, ValueError, TypeError):
                text = text % params
        return text

    def as_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "field": self.field, "message": self.render()}


# a refusal names the field in words. The apps that declare fields register their
# labels (English message ids) here (`history/words.py`: the declared order, customer and
# result fields); a message that does not name its field gets its naming form.
FIELD_LABELS: dict[str, str] = {}
NAMING_THE_FIELD: dict[str, str] = {
    "This field is required for this result.": N_("The field «%(label)s» is required."),
    "This field must be empty for this result.": N_("The field «%(label)s» must be empty."),
    "Enter a valid value.": N_("The field «%(label)s»: enter a valid value."),
}


def register_field_labels(labels: Mapping[str, str]) -> None:
    FIELD_LABELS.update(labels)


def _bare(field: str) -> str:
    """ "customer.phone" → "phone", "delivery_address.city" → "delivery_address",
    "customer.extra_phones[1]" → "extra_phones"."""
    name = field.removeprefix("customer.")
    return name.split(".")[0].split("[")[0]


def violation(rule: str, field: str, message: str, **params: Any) -> Violation:
    return Violation(rule=rule, field=field, message=message, params=tuple(sorted(params.items())))


class DomainError(Exception):
    """Base of every refusal the domain layer raises; never a 500."""

    status = 422


@dataclass
class RuleViolations(DomainError):
    violations: list[Violation] = field(default_factory=list)

    def __init__(self, violations: Iterable[Violation]):
        self.violations = list(violations)
        super().__init__("; ".join(f"{v.rule}:{v.field}" for v in self.violations))


class NotFound(DomainError):
    """Absent or outside the caller's projects (never reveal which)."""

    status = 404


class Forbidden(DomainError):
    """The caller may read this but not do this."""

    status = 403


class Conflict(DomainError):
    """Stale `version` on an edit (optimistic concurrency)."""

    status = 409

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__(f"stale version; current is {current_version}")


class DuplicateExternalId(DomainError):
    """X-10: the partner's order id is already used by an order with a different payload
    (an idempotency key reused for another request)."""

    status = 409

    def __init__(self, order_id: int):
        self.order_id = order_id
        super().__init__(f"external_id already used by order {order_id}")
