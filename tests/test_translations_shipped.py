"""The compiled translations ship in the repository (issue 24 item 7): a production install
without `make` or gettext still speaks Russian, so every committed .mo must say exactly
what its committed .po says. Read from git's HEAD, which is what a clone gets (run
`make messages` and commit the .mo files with the .po files)."""

from __future__ import annotations

import gettext
import io
import shutil
import subprocess

import pytest

from tests.test_readme import REPO

LANGUAGES = ("ru", "uk", "en")

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or shutil.which("msgfmt") is None, reason="needs git, msgfmt"
)


def committed(path: str) -> bytes:
    return subprocess.run(
        ["git", "show", f"HEAD:{path}"], cwd=REPO, capture_output=True, check=True
    ).stdout


def catalog(mo: bytes) -> dict:
    return gettext.GNUTranslations(io.BytesIO(mo))._catalog


@pytest.mark.parametrize("language", LANGUAGES)
def test_committed_mo_matches_committed_po(language):
    base = f"dozvon/locale/{language}/LC_MESSAGES/django"
    # given the .po and the .mo a clone of HEAD gets
    po = committed(f"{base}.po")
    mo = committed(f"{base}.mo")
    # when the .po is compiled again
    fresh = subprocess.run(
        ["msgfmt", "--check-format", "-o", "-", "-"], input=po, capture_output=True, check=True
    ).stdout
    # then the shipped .mo holds the same messages
    shipped, expected = catalog(mo), catalog(fresh)
    missing = sorted(str(k) for k in expected.keys() - shipped.keys())[:10]
    assert not missing, f"{base}.mo lacks messages of its .po (make messages): {missing}"
    stale = sorted(str(k) for k in expected if shipped.get(k) != expected[k])[:10]
    assert not stale, f"{base}.mo is stale (make messages, then commit it): {stale}"
    assert shipped.keys() == expected.keys()
