"""Issue 24: what the product shows people speaks Russian. On the whole demo, every role of
every demo project crawls the screens it reaches (in ru) and no page shows a raw code, an
English UI word from a fixed list, or a count that does not agree with its noun
("5 сценарии", "1 оператор(ов)"). All findings of all pages are reported at once."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from urllib.parse import urlencode

import pytest
import time_machine
from django.apps import apps
from django.contrib.auth import get_user_model
from django.test import Client

from dozvon.core.demo import build_demo
from dozvon.delivery.models import DeliveryMethod
from dozvon.interactions.models import Interaction
from dozvon.messaging.models import MessageTemplate, OutboxMessage
from dozvon.offers.models import Eligibility
from dozvon.orders.models import Order
from dozvon.playbooks.services import playbook_files
from dozvon.projects.access import projects_for
from tests.conftest import NOW
from tests.web.pages_support import (
    ATTR,
    Budget,
    Finding,
    context,
    count_problems,
    crawl,
    english_word,
    page_text_and_links,
    whole,
)

# Every role of every demo project (README "Demo"); admin and a supervisor also see the admin.
ROLES = {
    "admin": Budget(pages=100, admin_pages=70),
    "supervisor": Budget(pages=45, admin_pages=40),
    "op1": Budget(),
    "shop1": Budget(),
    "delivery": Budget(),
    "pharmacy-op1": Budget(),
    "pharmacy-sup": Budget(),
    "subs-op1": Budget(),
    "subs-sup": Budget(),
    "tel1": Budget(),
    "tel3": Budget(),
    "pick1": Budget(),
}

# ------------------------------------------------------------------ what must not show

# English UI words: whole words, case-sensitive (Django's admin and third-party apps).
ENGLISH = [
    "Save", "Cancel", "Search", "Delete", "Add", "Task", "Tasks", "Results", "Result",
    "Backend", "Database", "Axes", "AXES", "Access attempts", "Access attempt",
    "Access failures", "Access logs", "Status", "Users", "Groups", "Select", "Change",
    "Recent actions", "Welcome", "View site", "Log out", "Filter", "History", "Home",
    "Edit", "Close", "Back", "Submit", "Login", "Log in", "Password", "Username", "Yes",
    "No", "Action", "Actions", "Show", "Hide", "Clear", "Reset", "Apply", "Confirm",
    "Retry", "Send", "Sent", "Failed", "Queued", "Error", "Warning", "Loading", "Settings",
    "Documentation", "Authentication", "Authorization", "Permissions", "Queue", "Queues",
    "Report", "Reports", "Export", "Import", "Download", "Upload", "Previous", "Next",
    "Page", "Total", "Today", "Yesterday", "Now", "Name", "Date", "Orders", "Order",
    "Customer", "Phone", "Comment", "Operator", "Supervisor", "Project", "Projects",
    "Created", "Updated", "Enqueued", "Finished", "Started", "Priority", "Arguments",
    "Worker", "Traceback", "Exception", "Return value", "Run after", "Attempt", "Attempts",
    "Show all", "Clear all filters", "All", "By", "View", "Go", "Run", "Please", "Sorry",
    "Not found", "Forbidden", "Server error", "Page not found", "Select all", "selected",
    "Nothing", "None", "True", "False", "Unknown", "Details", "Summary", "Remove",
    "Sort", "Sorting", "ascending", "descending", "Toggle", "Skip to main content",
    "Add another", "Save and continue editing", "Save and add another", "Close",
]  # fmt: skip

# Raw markers a person should never read: empty-value sign, Python reprs, e-mail headers.
MARKERS = [
    ("∅", re.compile("∅")),
    ("['", re.compile(r"\['|'\]")),
    ("{'", re.compile(r"\{'|\{\"|\":\s")),
    ("None", english_word("None")),
    ("True", english_word("True")),
    ("False", english_word("False")),
    ("e-mail header", re.compile(r"(?m)^(From|To|Subject|Date|Cc|Reply-To|Message-ID):?$")),
    ("e-mail header", re.compile(r"(?<![\w-])(From|To|Subject|Date|Cc|Reply-To|Message-ID):")),
    ("unfilled placeholder", re.compile(r"%\(\w+\)[sdif]|\{[a-z_]+\}")),
    ("e-mail date", re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4}")),
    ("source:id", re.compile(r"(?<![\w/.@-])(?!https?:|mailto:)[a-z_]{3,}:(?=\w)")),
    ("money with a dot", re.compile(r"(?<![\d.,])\d+\.\d\d(?![\d.,])(?=\s*(→|₽|руб))")),
    ("money with a dot", re.compile(r"(?<=→ )\d+\.\d\d(?![\d.,])")),
    ("money with a dot", re.compile(r"(?<![\d.,:])\d+\.00(?![\d.,:])")),
]


def _playbook_codes() -> set[str]:
    """Every code of every playbook file: statuses, groups, problems, outcomes, queues,
    triggers, payment methods and discount categories."""
    codes: set[str] = set()

    def walk(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "code" and isinstance(value, str):
                    codes.add(value)
                elif key in {"methods", "discount_policy"} and isinstance(value, list | dict):
                    codes.update(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in playbook_files():  # the engine's and the plug-ins'
        walk(tomllib.loads(path.read_text()))
    return codes


def _choice_codes() -> set[str]:
    """The stored values of every model field with choices (gender, customer type, plan,
    group, response, state…)."""
    codes = set()
    for model in apps.get_models():
        if not model.__module__.startswith("dozvon."):
            continue
        for f in model._meta.get_fields():
            for value, _label in getattr(f, "choices", None) or []:
                if isinstance(value, str):
                    codes.add(value)
    return codes


def raw_codes() -> set[str]:
    codes = _playbook_codes() | _choice_codes()
    codes |= set(MessageTemplate.objects.values_list("code", flat=True))
    codes |= set(DeliveryMethod.objects.values_list("code", flat=True))
    codes = {c for c in codes if c and len(c) >= 2 and re.fullmatch(r"[a-z][a-z0-9_]*", c)}
    # a username shown instead of a person's name (the demo's logins)
    return codes


# Latin words a Russian page may show: the product's name.
LATIN_OK = {"dozvon"}
_LATIN = re.compile(r"(?<![\w@./:\\#&=?-])[a-z]{3,}(?![\w@/\\-]|\.\w)")


# a mail server's reply quoted as it came ("550 5.1.1 Mailbox unavailable"): its words
# are the server's, blanked (same length) so positions still match the page text
_SMTP_REPLY = re.compile(r"(?m)\b[245]\d\d [245]\.\d{1,3}\.\d{1,3} .*$")


_ENGLISH_VALUE = re.compile(r"(\(англ\.\):?\n)([^\n]*)")


def admin_identifiers() -> set[str]:
    """Codes the admin edits and shows as identifiers of its own objects: a playbook's,
    an e-mail template's and a delivery method's code (the API names them so)."""
    from dozvon.playbooks.models import Playbook

    return (
        set(Playbook.objects.values_list("code", flat=True))
        | set(MessageTemplate.objects.values_list("code", flat=True))
        | set(DeliveryMethod.objects.values_list("code", flat=True))
    )


def make_check(codes: set[str], usernames: set[str], admin_ids: frozenset[str] = frozenset()):
    code_res = [(c, whole(c)) for c in sorted(codes)]
    english_res = [(w, english_word(w)) for w in sorted(set(ENGLISH))]
    login_res = [(u, whole(u)) for u in sorted(usernames) if u not in codes]

    def check(url: str, text: str):
        path = url.split("?")[0]
        # a value in English on purpose: the English name of a playbook (its "(англ.)" field)
        text = _ENGLISH_VALUE.sub(lambda m: m[1] + " " * len(m[2]), text)
        in_admin = path.startswith("/admin/")
        # the admin names users by login, and its own objects by their codes
        allowed = (admin_ids | usernames) if in_admin else set()
        for code, rx in code_res:
            if code in allowed:
                continue
            for m in rx.finditer(text):
                yield "raw code", code, m.start(), m.end()
        for m in _LATIN.finditer(_SMTP_REPLY.sub(lambda m: " " * len(m[0]), text)):
            word = m.group(0)
            if word not in codes and word not in LATIN_OK and word not in usernames:
                yield "Latin word", word, m.start(), m.end()
        for word, rx in english_res:
            for m in rx.finditer(text):
                yield "English word", word, m.start(), m.end()
        for _name, rx in MARKERS:
            for m in rx.finditer(text):
                yield "raw value", m.group(0), m.start(), m.end()
        for found, start, end in count_problems(text):
            yield "count not agreeing", found, start, end
        # the admin's list and change pages of users show logins by design
        if not in_admin:
            for name, rx in login_res:
                for m in rx.finditer(text):
                    if text[text.rfind("\n", 0, m.start()) + 1] == ATTR:
                        continue  # a login as the tooltip of a person's name
                    yield "login instead of a name", name, m.start(), m.end()

    return check


# ------------------------------------------------------------------ where to start


def _seeds(user) -> list[str]:
    """The home page, each project's pages, order cards of several states per project, a
    message and an interaction page (the crawl finds the rest by following links)."""
    seeds = ["/"]
    for project in projects_for(user).order_by("slug"):
        seeds.append(f"/p/{project.slug}/")
        orders = Order.objects.filter(project=project)
        for status in sorted(set(orders.values_list("status", flat=True)))[:6]:
            order = orders.filter(status=status).order_by("-id").first()
            seeds.append(f"/orders/{order.pk}/")
        for message in OutboxMessage.objects.filter(project=project).order_by("id")[:1]:
            seeds.append(f"/messages/{message.pk}/")
        nbo = project.playbook.code == "nbo"  # interaction pages are NBO's
        if nbo:  # a subscriber with offers calls in
            for phone in Eligibility.objects.filter(project=project).values_list(
                "phone", flat=True
            )[:2]:
                seeds.append(f"/p/{project.slug}/inbound?{urlencode({'phone': phone})}")
        for one in Interaction.objects.filter(project=project if nbo else None).order_by("-id")[:1]:
            seeds.append(f"/p/{project.slug}/offers/interactions/{one.pk}")
    if user.is_staff:
        seeds.append("/admin/")
    return seeds


def _report(findings: list[Finding]) -> str:
    """Grouped by kind, then screen: each offending text once with how often it showed,
    the roles that saw the screen, and up to three examples in context."""
    merged: dict[tuple[str, str], dict[str, list]] = {}
    for f in findings:
        found = merged.setdefault((f.kind, f.screen), {})
        entry = found.setdefault(f.found, [0, set(), f"{f.url}: {f.context}"])
        entry[0] += 1
        entry[1].add(f.role)
    distinct = sum(len(v) for v in merged.values())
    lines = [f"{distinct} distinct findings on {len(merged)} (kind, screen) pairs"]
    last_kind = None
    for (kind, screen), found in sorted(merged.items()):
        if kind != last_kind:
            lines.append(f"\n=== {kind}")
            last_kind = kind
        roles = sorted(set().union(*(e[1] for e in found.values())))
        lines.append(f"  -- {screen}  [{', '.join(roles)}]")
        lines.append("     " + ", ".join(f"{k!r}×{e[0]}" for k, e in sorted(found.items())))
        for _k, e in sorted(found.items())[:3]:
            lines.append(f"       e.g. {e[2]}")
    return "\n".join(lines)


def test_every_screen_of_every_role_speaks_russian(db):
    with time_machine.travel(NOW, tick=True):
        build_demo(now=NOW)
        User = get_user_model()
        usernames = set(User.objects.values_list("username", flat=True))
        check = make_check(raw_codes(), usernames, frozenset(admin_identifiers()))
        findings: list[Finding] = []
        crawled: dict[str, int] = {}
        dump = os.environ.get("DOZVON_PAGES_DUMP")  # a folder: every page's text, to review
        for username, budget in ROLES.items():
            user = User.objects.get(username=username)
            client = Client(HTTP_ACCEPT_LANGUAGE="ru")
            client.force_login(user)
            result = crawl(client, username, _seeds(user), budget, check)
            crawled[username] = len(result.fetched)
            findings += result.findings
            if dump:
                folder = Path(dump) / username
                folder.mkdir(parents=True, exist_ok=True)
                for url, text in result.texts.items():
                    name = re.sub(r"[^\w.-]+", "_", url).strip("_") or "home"
                    (folder / f"{name[:150]}.txt").write_text(f"{url}\n\n{text}")
    # every role reached its screens
    assert all(n >= 5 for n in crawled.values()), crawled
    if findings:
        pytest.fail(_report(findings), pytrace=False)


@pytest.mark.nodb
def test_the_checks_catch_what_issue_24_saw_and_pass_plain_russian():
    check = make_check({"female", "private", "legal", "courier", "unreachable"}, {"op1"})

    def kinds(text):
        return sorted({(k, f) for k, f, _s, _e in check("/orders/1/", text)})

    assert kinds("Пол: ∅ → female") == [("raw code", "female"), ("raw value", "∅")]
    assert kinds("Тип клиента: private → legal") == [
        ("raw code", "legal"),
        ("raw code", "private"),
    ]
    assert kinds("Сумма: 0.00 → 350.00") == [("raw value", "0.00"), ("raw value", "350.00")]
    assert kinds("Телефоны: ['+79161112233']") == [("raw value", "']"), ("raw value", "['")]
    assert kinds("5 сценарии · 15 пользователи · 1 оператор(ов)") == [
        ("count not agreeing", "15 пользователи"),
        ("count not agreeing", "5 сценарии"),
        ("count not agreeing", "оператор(ов)"),
    ]
    assert kinds("From: shop@example.org\nSubject: Заказ") == [
        ("raw value", "From:"),
        ("raw value", "Subject:"),
    ]
    assert kinds("TASKS DATABASE BACKEND · Task Results · Axes") == [
        ("English word", "Axes"),
        ("English word", "Results"),
        ("English word", "Task"),
    ]
    assert kinds("Ответственный: op1") == [("login instead of a name", "op1")]
    shown, _links = page_text_and_links('Изменение <b title="op1">Ольга Операторова</b>: …')
    assert kinds(shown) == []
    plain = (
        "1 заказ, 2 заказа, 5 заказов, 21 день, из 21 заказа, 11 операторов, 3 сценария, "
        "e-mail client1@example.org, 1 990,00 ₽, 23.11.2026 12:00, 1,5 дня, SLIM-01"
    )
    assert kinds(plain) == []
    assert context("abc", 1, 2) == "…a[b]c…"
