"""What a playbook's plug-in does with an inbound contact (the CONTACTS extension point of
dozvon.core.plugins; SUB-3: the registry's contacts): the interaction services and the
desk's search call the handlers of the project's playbook, never a plug-in by name.

A handler (`ContactHandler`), registered by the plug-in's `register()`:

- `check(*, project, actor, facts)`: what the contact's facts (`CONTACT_FACTS`, as the
  desk's form or the API gave them) say, checked inside the interaction's transaction,
  the rows it will change locked: (a plan, or None when the facts are none of its
  business; every refusal). A plan has `customer` (who the contact is about, or None) and
  `changes` (what the interaction's audit row records of it).
- `apply(*, plan, interaction, actor, now, comment)`: write a checked plan once the
  interaction exists, in the same transaction; the interaction's timeline lines.
- `callers(*, project, query)`: the ids of the customers the desk's search finds by what
  the plug-in keeps (SUB: a subscription number), or None when the query cannot be one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dozvon.core import plugins
from dozvon.core.errors import Violation, violation
from dozvon.playbooks.selectors import playbook_def

# The facts of an inbound contact a handler reads (`interaction_record`'s arguments)
CONTACT_FACTS = ("subscription", "outcome", "issues")


@dataclass(frozen=True)
class ContactHandler:
    check: Callable[..., tuple[Any, list[Violation]]]
    apply: Callable[..., Sequence[Any]]
    callers: Callable[..., Any] | None = None


def contact_handlers(project) -> list[ContactHandler]:
    """The handlers of the project's playbook (none for a playbook without any)."""
    return plugins.for_playbook(plugins.CONTACTS, playbook_def(project.playbook))


def _given(value: Any) -> bool:
    if value is None:
        return False
    if isinstance(value, str | Sequence):
        return len(value) > 0
    return True


def contacts_check(
    *, project, actor, facts: Mapping[str, Any]
) -> tuple[list[tuple[ContactHandler, Any]], list[Violation]]:
    """The contact's facts checked by the handlers of the project's playbook: (each handler
    with its plan, every refusal). No fact given: nothing to check. Facts given to a
    project whose playbook handles none: each refused as not available."""
    given = [name for name, value in facts.items() if _given(value)]
    if not given:
        return [], []
    handlers = contact_handlers(project)
    if not handlers:
        return [], [violation("input", name, "Not available for this project.") for name in given]
    plans: list[tuple[ContactHandler, Any]] = []
    found: list[Violation] = []
    for handler in handlers:
        plan, refused = handler.check(project=project, actor=actor, facts=facts)
        found += refused
        if plan is not None:
            plans.append((handler, plan))
    return ([] if found else plans), found
