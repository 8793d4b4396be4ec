"""What a playbook's plug-in adds to an inbound interaction (issue 26): its blocks of the
inbound desk and its part of the interaction API. A plug-in registers a `DeskBlock` at
`plugins.INBOUND` (dozvon.core.plugins); the desk (`web/inbound.py`,
`web/inbound.html`) and `api/interactions.py` ask for the blocks of the project's
playbook — never "does this project keep subscriptions?" or "does it make offers?".

Also the desk's round trip, shared by the desk and the blocks' own forms: after a record
the browser goes back to the desk on the caller's number (303); a refused form leaves its
messages and what was typed in the session for the desk to show next to their fields."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

from dozvon.core import plugins
from dozvon.core.errors import RuleViolations

# the desk's slots, where a block's templates are rendered
HEAD = "head"  # above the desk: what the last record left (NBO-6's link, SUB-4's order)
CALLER = "caller"  # in each caller's box, under the phone and email (SUB's subscriptions)
RECORD = "record"  # the record form's column beside its fields (NBO's offers)
FIELDS = "fields"  # among the record form's fields, after the comment (SUB-3/4)
END = "end"  # the record form's last messages, before its button
SLOTS = (HEAD, CALLER, RECORD, FIELDS, END)

# the record form's own fields, whatever the playbook
DESK_FIELDS = frozenset({"phone", "line", "subject", "comment", "transferred_to"})

SESSION_FORM = "dozvon_inbound_form"
SESSION_ERRORS = "dozvon_inbound_errors"


@dataclass(frozen=True)
class DeskView:
    """What the desk has found, handed to a block's `context`: the caller's number the
    record form is about, the customers found, a refused form's values and its messages
    by field, and every field the desk and its blocks show (a refusal on another field
    is nobody's field: SUB-4's order shows those)."""

    request: Any
    project: Any
    pb: Any
    query: str
    phone: str
    customers: list
    form: Mapping[str, Any]
    errors: Mapping[str, list[str]]
    known_fields: frozenset[str] = DESK_FIELDS


@dataclass
class DeskPart:
    """A block's part of a posted record form: what a refusal puts back on the page
    (`form`), the block's arguments of `interactions.services.interaction_record`
    (`interaction`), and steps in the interaction's transaction — `before` it is recorded,
    `after` (given the interaction) — and `done` (request, interaction) once it is
    committed: the block's messages and what the desk shows next."""

    form: dict[str, Any] = field(default_factory=dict)
    interaction: dict[str, Any] = field(default_factory=dict)
    before: Callable[[], Any] | None = None
    after: Callable[[Any], Any] | None = None
    done: Callable[[Any, Any], Any] | None = None


@dataclass(frozen=True)
class DeskBlock:
    """A playbook plug-in's part of the inbound desk and of the interaction API.

    name        its name in the registry
    templates   slot -> the template the desk includes there
    context     (view: DeskView) -> its variables, added to the desk's context (a name
                of the desk's own is refused), or None to show nothing
    caller      (its variables, customer) -> its variables of one caller, added to the
                caller's entry (`c.<name>`) the CALLER template reads
    fields      the record form's fields whose refusals it shows (a field, or the part
                before `[` or `.`: `offers` for `offers[0].offer`)
    parse       (request, project, *, now) -> DeskPart: its part of the posted form
    actions     its own forms posted to the record's URL, by the field that marks them
                (SUB-5's `promo_order`): (request, project) -> response
    search_hint the search field's placeholder on this desk
    interaction_url  the URL name (slug, interaction id) of an interaction's page, linked
                from the caller's earlier interactions (NBO-6)
    desk_class  (its variables) -> a CSS class of the desk's grid
    api_fields  the interaction API's fields it takes; on a project without the block they
                are refused
    api_record  (interaction, values: dict, *, actor, now): records them, in the
                interaction's transaction
    api_out     (interaction) -> what it adds to the API's interaction
    """

    name: str
    templates: Mapping[str, str]
    context: Callable[[DeskView], dict[str, Any] | None]
    caller: Callable[[dict[str, Any], Any], dict[str, Any]] | None = None
    fields: frozenset[str] = frozenset()
    parse: Callable[..., DeskPart] | None = None
    actions: Mapping[str, Callable[[Any, Any], Any]] = field(default_factory=dict)
    search_hint: Any = ""
    interaction_url: str = ""
    desk_class: Callable[[dict[str, Any]], str] | None = None
    api_fields: tuple[str, ...] = ()
    api_record: Callable[..., Any] | None = None
    api_out: Callable[[Any], dict[str, Any]] | None = None


def desk_blocks(pb) -> list[DeskBlock]:
    """The blocks of the playbook's plug-in, in their registration order."""
    return [b for b in plugins.for_playbook(plugins.INBOUND, pb) if isinstance(b, DeskBlock)]


def field_root(name: str) -> str:
    """`offers[0].offer` → `offers`: the form field a refusal's field belongs to."""
    return name.split("[", 1)[0].split(".", 1)[0]


def known_fields(blocks: list[DeskBlock]) -> frozenset[str]:
    return DESK_FIELDS.union(*(b.fields for b in blocks))


def errors_of(errors: Mapping[str, list[str]], names: frozenset[str]) -> list[str]:
    """The messages of the refusals on the given fields, in the order they came."""
    return [m for name, found in errors.items() if field_root(name) in names for m in found]


def others_of(errors: Mapping[str, list[str]], names: frozenset[str]) -> list[str]:
    """The messages of the refusals on none of the given fields."""
    return [m for name, found in errors.items() if field_root(name) not in names for m in found]


def desk_url(project, phone: str = "") -> str:
    url = reverse("web:inbound", args=[project.slug])
    return f"{url}?{urlencode({'phone': phone})}"


def back_to_desk(project, phone: str):
    """Back to the desk on the caller's number (303: a reload never re-sends the form)."""
    response = redirect(desk_url(project, phone))
    response.status_code = 303
    return response


def desk_refused(request, project, phone: str, exc: RuleViolations, form=None):
    """A refused form: its messages by field (and what was typed, when given) go to the
    session and the browser back to the desk, which shows them next to their fields."""
    errors: dict[str, list[str]] = {}
    for v in exc.violations:
        errors.setdefault(v.field, []).append(f"{v.render()} ({v.rule})")
    if form is not None:
        request.session[SESSION_FORM] = form
    request.session[SESSION_ERRORS] = errors
    return back_to_desk(project, phone)
