"""The registry of playbook plug-ins (issue 26): how the engine and the surfaces find a
playbook's own parts without importing the app that supplies them.

A plug-in is a Django app (``dozvon.dunning``, ``dozvon.subscriptions``, ``dozvon.offers``,
``dozvon.pickup``) that registers its parts in its ``AppConfig.ready()``; the engine's own
playbooks (COD, SHOP) register theirs from the engine apps the same way. Each part is
registered at a named *extension point* under the plug-in's app label; a playbook file
names the plug-in that supplies its parts (``plugin = "dunning"``), so a page or a report
asks for "the card panels of this project's playbook" — never "is this DUN?".

The points (their item types are the engine's, this module only keeps them):

``CHECKS``        the named rule functions a playbook file cites (each registered by the
                  plug-in's ``register()`` through ``playbooks.rules.register_check``)
``CARD_PANELS``   blocks of the order card
``INBOUND``       blocks of the inbound desk
``REPORTS``       reports of the X-11 registry
``PERIODIC``      functions the worker calls at start to schedule its periodic tasks
``EXPORT_COLUMNS`` columns a plug-in adds to the order export (``orders.export_columns``)
``TIMELINE``      the plug-in's words for its own history lines (``history.words``)
``DEMO``          builders of the demo projects (``dozvon demo``)
``URLS``          URL patterns (a ``(prefix, module)`` pair, included under ``/p/<slug>/``)
``API``           API routers (``(prefix, router)``)
``MESSAGE_GUARDS`` checks an email must pass before it is queued (e.g. DUN-4's bonus %)
``OUTCOMES``      services that save a named outcome in the plug-in's own way (e.g. DUN's
                  ``paid``, which is a confirmed payment: DUN-5, DUN-9)
``CONTACTS``      handlers of an inbound contact's outcome (e.g. SUB-3)
``PLAYBOOK_FILES`` the playbook files (TOML) a plug-in supplies
``SCOPES``        token scopes a plug-in's integration needs (X-13), each with the action
                  it allows and the roles that may do it (``projects.access.PluginScope``)
``EFFECTS``       effects of a playbook's outcomes and triggers that an app above the
                  order services applies, by the effect's kind (messaging's
                  ``send_message``; ``orders.services.effects``)
``AUDIT_ACTIONS`` a plug-in's enum of the audit actions it records, with their labels
                  (``audit.actions``)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

CHECKS = "checks"
CARD_PANELS = "card_panels"
INBOUND = "inbound"
REPORTS = "reports"
PERIODIC = "periodic"
EXPORT_COLUMNS = "export_columns"
TIMELINE = "timeline"
DEMO = "demo"
URLS = "urls"
API = "api"
MESSAGE_GUARDS = "message_guards"
OUTCOMES = "outcomes"
CONTACTS = "contacts"
PLAYBOOK_FILES = "playbook_files"
SCOPES = "scopes"
EFFECTS = "effects"
AUDIT_ACTIONS = "audit_actions"

POINTS = frozenset(
    {
        CHECKS,
        CARD_PANELS,
        INBOUND,
        REPORTS,
        PERIODIC,
        EXPORT_COLUMNS,
        TIMELINE,
        DEMO,
        URLS,
        API,
        MESSAGE_GUARDS,
        OUTCOMES,
        CONTACTS,
        PLAYBOOK_FILES,
        SCOPES,
        EFFECTS,
        AUDIT_ACTIONS,
    }
)


@dataclass(frozen=True)
class Extension:
    point: str
    plugin: str  # the app label of the plug-in (or engine app) that registered it
    name: str  # unique within (point, plugin): registering the same name again replaces
    item: Any
    order: int = 100  # lower first; ties keep the registration order


_REGISTRY: dict[tuple[str, str, str], Extension] = {}


def register(point: str, plugin: str, name: str, item: Any, *, order: int = 100) -> None:
    """Register `item` at `point` for `plugin`; idempotent (``ready()`` may run twice in
    tests), the later registration of a name replacing the earlier."""
    if point not in POINTS:
        raise ValueError(f"unknown extension point {point!r}")
    if not plugin or not name:
        raise ValueError("a plug-in label and a name are required")
    _REGISTRY[(point, plugin, name)] = Extension(point, plugin, name, item, order)


def extensions(point: str, plugins: Iterable[str] | None = None) -> list[Extension]:
    """What is registered at `point` — of the given plug-ins only, when given — lower
    `order` first, then in registration order."""
    if point not in POINTS:
        raise ValueError(f"unknown extension point {point!r}")
    wanted = None if plugins is None else set(plugins)
    found = [
        ext
        for (p, plugin, _name), ext in _REGISTRY.items()
        if p == point and (wanted is None or plugin in wanted)
    ]
    return sorted(found, key=lambda ext: ext.order)  # sorted() is stable


def items(point: str, plugins: Iterable[str] | None = None) -> list[Any]:
    return [ext.item for ext in extensions(point, plugins)]


def names(point: str) -> list[str]:
    """The names registered at `point` (e.g. the token scopes the plug-ins add)."""
    return [ext.name for ext in extensions(point)]


def plugins_of(playbook: Any) -> tuple[str, ...]:
    """The plug-ins a playbook definition declares (its file's ``plugin``), none for a
    playbook the engine alone runs."""
    plugin = getattr(playbook, "plugin", "") or ""
    return (plugin,) if plugin else ()


def for_playbook(point: str, playbook: Any) -> list[Any]:
    """The items at `point` that the playbook's own plug-in registered."""
    plugins = plugins_of(playbook)
    return items(point, plugins) if plugins else []
