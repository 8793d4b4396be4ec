"""Issue 26: the engine and the surfaces choose a playbook's parts by what its file
declares (`plugin = "…"`, dozvon.core.plugins), never by comparing playbook codes. A
plug-in's playbook code may be compared only inside that plug-in; the engine's own
playbooks (COD, SHOP) are data to every app and compared nowhere."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

from django.apps import apps

from dozvon.playbooks.services import playbook_files

DOZVON = Path(__file__).resolve().parent.parent / "dozvon"


def playbook_owners() -> dict[str, str | None]:
    """Each shipped playbook's code → the app label of the plug-in owning it (None: the
    engine runs it)."""
    owners = {}
    for path in playbook_files():
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        owners[data["code"]] = data.get("plugin") or None
    return owners


def compared_codes(source: str, codes) -> list[tuple[int, str]]:
    """(line, code) of every comparison (==, !=, in, not in) involving a code literal."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Compare):
            continue
        for side in (node.left, *node.comparators):
            elts = side.elts if isinstance(side, ast.Tuple | ast.List | ast.Set) else [side]
            for e in elts:
                if isinstance(e, ast.Constant) and e.value in codes:
                    found.append((node.lineno, e.value))
    return found


def test_no_playbook_code_is_compared_outside_its_own_plugin():
    owners = playbook_owners()
    assert {"cod", "shop", "dun", "sub", "nbo"} <= set(owners)
    offences = []
    for path in sorted(DOZVON.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        app = path.relative_to(DOZVON).parts[0]
        for line, code in compared_codes(path.read_text(encoding="utf-8"), owners):
            if owners[code] != app:
                offences.append(f"{path.relative_to(DOZVON)}:{line} compares {code!r}")
    assert not offences, offences


def test_a_comparison_of_a_code_is_found():
    source = 'if pb.code == "dun" or code in ("x", "nbo"):\n    pass\n'
    assert compared_codes(source, {"dun", "nbo"}) == [(1, "dun"), (1, "nbo")]


def test_every_plugin_playbook_names_an_installed_plugin():
    labels = {a.label for a in apps.get_app_configs()}
    for code, plugin in playbook_owners().items():
        assert plugin is None or plugin in labels, (code, plugin)


PLUGINS = ("dunning", "subscriptions", "offers", "pickup")


def private_imports(source: str, own: str) -> list[tuple[int, str]]:
    """(line, "module.name") of every private name (`_x`) imported from another app."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("dozvon."):
            if node.module.split(".")[1] == own:
                continue
            found += [
                (node.lineno, f"{node.module}.{a.name}")
                for a in node.names
                if a.name.startswith("_") and not a.name.startswith("__")
            ]
    return found


def test_plugins_use_the_engines_public_services_only():
    """Issue 26 item 3 (SUB-4 through `orders.services.intake.order_place`): a plug-in
    calls what the engine offers, never its private helpers."""
    found = {
        f"{path.relative_to(DOZVON)}:{line}": name
        for plugin in PLUGINS
        for path in (DOZVON / plugin).rglob("*.py")
        for line, name in private_imports(path.read_text(encoding="utf-8"), plugin)
    }
    assert found == {}


def test_a_private_import_from_the_engine_is_found():
    source = "from dozvon.orders.services.intake import ItemInput, _create_order\n"
    assert private_imports(source, "subscriptions") == [
        (1, "dozvon.orders.services.intake._create_order")
    ]
    assert private_imports("from dozvon.subscriptions.rules import _x\n", "subscriptions") == []
