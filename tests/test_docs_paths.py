"""Issue 26 item 6: every path README and docs/ cite exists, so the next engineer who
follows the docs finds the file they name. A path is a `backticked` token that names a
file (a known suffix) or a folder (ending in "/"); it may be written from the
repository's root, from `dozvon/` (the docs' habit: `orders/rules.py`) or from the
citing file's folder. `../shared/…` is the product's shared folder beside the checkout."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SUFFIXES = (".py", ".md", ".toml", ".html", ".txt", ".cfg", ".po", ".mo", ".css", ".js")
TOKEN = re.compile(r"`([^`\s]+)`")
# words that look like paths but are not files of this checkout
NOT_PATHS = ("http://", "https://", "/api/", "/p/", "/admin", "/healthz", "/livez", "~", "$")
# folders the product writes when it runs (never in a clean checkout)
GENERATED = ("var/", "bench/results/", ".venv/")


def cited_paths(text: str) -> set[str]:
    found = set()
    for token in TOKEN.findall(text):
        token = token.rstrip(".,:;)")
        token = token.split(":")[0] if re.search(r"\.py:\d", token) else token
        if token.startswith(NOT_PATHS + GENERATED) or "*" in token or "<" in token or "{" in token:
            continue
        if "/" not in token:
            continue
        if token.endswith(SUFFIXES) or token.endswith("/"):
            found.add(token)
    return found


def exists(path: str, doc: Path) -> bool:
    bases = (ROOT, ROOT / "dozvon", doc.parent)
    return any((base / path).exists() for base in bases)


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_every_path_the_docs_cite_exists(doc):
    missing = sorted(p for p in cited_paths(doc.read_text(encoding="utf-8")) if not exists(p, doc))
    assert not missing, f"{doc.name} cites paths that do not exist: {missing}"


def test_a_path_that_does_not_exist_is_caught(tmp_path):
    doc = tmp_path / "x.md"
    text = "See `orders/rules.py` and `orders/no_such_module.py` and `docs/`."
    missing = [p for p in cited_paths(text) if not exists(p, doc)]
    assert missing == ["orders/no_such_module.py"]
