"""Issue 24 item 4: the demo's emails read as correct Russian (and Ukrainian) — no word
said twice ("на Ускоренный план план"), no hedged ending ("оператор(ов)"), no count
disagreeing with its noun, no internal project name. Every template of every demo
builder is rendered through the outbox's renderer with the values a real email has."""

from __future__ import annotations

import re
from datetime import date

import pytest

from dozvon.dunning import demo_data
from dozvon.messaging import demo as messaging_demo
from dozvon.messaging.models import MessageTemplate
from dozvon.messaging.rendering import free_context, render
from dozvon.subscriptions import demo as subscriptions_demo
from dozvon.subscriptions.services import plan_name

# the values of a real email (SUB-1, SUB-3, DUN-4), as the services give them
VALUES = {
    "order_number": "1042",
    "order_date": date(2026, 11, 20),
    "total": "1 250,00 ₽",
    "due_date": date(2026, 11, 27),
    "subscription_number": "IM-100042",
    "collection_name": "Железный человек",
    "remaining_issues": 12,
    "suspend_on": date(2027, 12, 31),
    "customer_phone": "+7 916 123-45-67",
    "operator_comment": "Просит вернуть деньги за 3 выпуска",
    "bonus_percent": 15,
    "bonus_units": 2,
    "order_units": 10,
    "units_with_bonus": 12,
}


def _demo_templates() -> list[tuple[str, dict]]:
    found = [(f"messaging:{t['code']}", t) for t in messaging_demo.TEMPLATES]
    found += [(f"dunning:{t['code']}:{t['language']}", t) for t in demo_data._templates()]
    for code, (name, subject, body) in subscriptions_demo.TEMPLATES.items():
        found.append(
            (f"subscriptions:{code}", {"name": name, "subject": subject, "body_text": body})
        )
    return found


def _label(value) -> str:
    return value if isinstance(value, str) else ""


DOUBLED = re.compile(r"(?i)(?<![\w-])(\w{2,}) \1(?![\w-])")
HEDGED = re.compile(r"(?<![\w(])[А-Яа-яЁёІіЇїЄє]+\([а-яёіїє]{1,3}\)")
# "на 5 дня", "на 1–3 дней": a number (or a range's end) and a form of "день" that disagree
DAYS = re.compile(r"(\d+)(?:\s*[–-]\s*(\d+))? (день|дня|дней)\b")


def _day_form(n: int) -> str:
    if n % 10 == 1 and n % 100 != 11:
        return "день"
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return "дня"
    return "дней"


def language_problems(text: str) -> list[str]:
    problems = [f"said twice: {m.group(0)}" for m in DOUBLED.finditer(text)]
    problems += [f"hedged ending: {m.group(0)}" for m in HEDGED.finditer(text)]
    for m in DAYS.finditer(text):
        last = int(m.group(2) or m.group(1))
        if m.group(3) != _day_form(last):
            problems.append(f"count disagrees: {m.group(0)}")
    if "(демо)" in text or "демо)" in text:
        problems.append("internal project name")
    return problems


@pytest.mark.parametrize(
    "text, found",
    [
        ("переведена на Ускоренный план план: выпуски", ["said twice: план план"]),
        ("1 оператор(ов) держат заказы", ["hedged ending: оператор(ов)"]),
        ("отложите на 1–3 дней", ["count disagrees: 1–3 дней"]),
        ("отложите на 5 дня", ["count disagrees: 5 дня"]),
        ("отложите на 2–4 дня, на 21 день, на 11 дней", []),
        ("С уважением, Аптека-партнёр (демо)", ["internal project name"]),
    ],
)
def test_the_language_check_finds_each_bad_phrasing_it_names(text, found):
    # given a sentence / when it is checked / then exactly its problems are named
    assert language_problems(text) == found


@pytest.mark.parametrize("label, spec", _demo_templates(), ids=_label)
def test_every_demo_email_reads_as_correct_language_X_9(label, spec, shop, db):
    # given a demo template, with the project's mail settings and a plan's name as the
    # services give them
    template = MessageTemplate(
        project=shop.project,
        code=label.split(":")[1],
        language=spec.get("language", "ru"),
        name=spec["name"],
        subject=spec["subject"],
        body_text=spec["body_text"],
        body_html=spec.get("body_html", ""),
    )
    values = {**VALUES, "plan_name": plan_name(shop.project, "accelerated")}
    context = free_context(project=shop.project, customer_name="Иванова Анна", values=values)
    context["bank_details"] = "Получатель: ООО «Аптека Здоровье»"
    context["bonus_product"] = "Витамин D3"
    # when it is rendered
    rendered = render(template, context)
    # then every part reads right
    for part in (rendered.subject, rendered.body_text, rendered.body_html):
        assert language_problems(part) == [], (label, part)


def test_the_information_email_names_the_plan_once_SUB_1(shop, db):
    # given the demo's information email to an accelerated subscriber
    name, subject, body = subscriptions_demo.TEMPLATES["subscription_inform"]
    template = MessageTemplate(project=shop.project, name=name, subject=subject, body_text=body)
    values = {**VALUES, "plan_name": plan_name(shop.project, "accelerated")}
    # when it is rendered
    text = render(
        template, free_context(project=shop.project, customer_name="Иванова Анна", values=values)
    ).body_text
    # then the plan is named once, in the sentence's case
    assert (
        "мы перевели вашу подписку №IM-100042 на ускоренный план: оставшиеся выпуски (12)" in text
    )
