"""Demo data of NBO for `dozvon demo`: the telecom's inbound line `telecom-demo` with its
campaigns, 10 000 subscriber numbers with their offers and exclusions, first- and
second-line operators, and a day of interactions recorded through the services (offers
voiced, refusals later turned YES, lost sales, transfers, adjustments)."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction

from dozvon.core.demo_people import demo_user
from dozvon.offers.models import Campaign, Eligibility, OffersSettings
from dozvon.offers.selectors import offers_for_number
from dozvon.offers.services import (
    adjustment_create,
    campaigns_load,
    nbo_interaction_record,
    offer_response_change,
)
from dozvon.playbooks.models import Playbook
from dozvon.projects.models import Membership, Project

SLUG = "telecom-demo"
NUMBERS = 10_000

CAMPAIGNS = [
    {
        "code": "INBA",
        "name": "Интернет без абонентской платы на месяц",
        "priority": 1,
        "script": "Предложите абоненту месяц мобильного интернета без абонентской платы: "
        "подключение бесплатно, отключить можно в любой момент.",
        "excluded_services": ["BLOCK-INT"],
    },
    {
        "code": "ROAM",
        "name": "Роуминг по России без доплат",
        "priority": 2,
        "script": "Расскажите, что звонки и интернет в поездках по России — как дома.",
        "excluded_tariffs": ["Корпоративный", "Корпоративный+"],
    },
    {
        "code": "FAMILY",
        "name": "Семейный пакет: до 5 номеров",
        "priority": 3,
        "script": "Предложите объединить номера семьи и делить пакет минут и гигабайт.",
        "excluded_tariffs": ["Детский"],
    },
    {
        "code": "TV",
        "name": "Домашнее ТВ со скидкой 50 %",
        "priority": 4,
        "script": "Предложите подключить домашнее ТВ: первые три месяца за полцены.",
    },
    {
        "code": "AUTUMN",
        "name": "Осенняя акция (завершена)",
        "priority": 1,
        "script": "Акция завершена.",
        "ends_in_past": True,
    },
]
TARIFFS = ["Базовый", "Базовый", "Безлимит", "Безлимит", "Смарт", "Детский", "Корпоративный"]
SERVICES = ["SMS-PACK", "BLOCK-INT", "ROAM-PLUS", "MUSIC"]
SUBJECTS = [
    ("Вопрос о балансе", "Абонент уточнил остаток на счёте и дату списания абонентской платы."),
    ("Смена тарифа", "Рассказал о тарифах, абонент выбирает."),
    ("Не работает интернет", "Проверили настройки, перезагрузка помогла."),
    ("Детализация", "Отправили детализацию на почту абонента."),
    ("Роуминг", "Абонент уезжает, спрашивал о стоимости звонков."),
]
LOST_REASONS = [
    "Абонент прервал разговор",
    "Звонил ребёнок",
    "Абонент торопился, просил перезвонить",
]


def _campaign_rows(today: date) -> list[dict]:
    rows = []
    for c in CAMPAIGNS:
        row = {k: v for k, v in c.items() if k != "ends_in_past"}
        if c.get("ends_in_past"):
            row.update(starts_on=today - timedelta(days=60), ends_on=today - timedelta(days=5))
        else:
            row.update(starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=60))
        rows.append(row)
    return rows


def _numbers(project, rng: random.Random, now: datetime, count: int) -> list[str]:
    """`count` numbers, each eligible for 1–3 campaigns with its tariff and services
    (about one in seven on a tariff or with a service some campaign excludes)."""
    campaigns = {c.code: c for c in Campaign.objects.filter(project=project)}
    codes = ["INBA", "ROAM", "FAMILY", "TV", "AUTUMN"]
    phones = [f"+7916{1000000 + i:07d}" for i in range(count)]
    rows = []
    for phone in phones:
        tariff = rng.choice(TARIFFS)
        services = sorted(set(rng.sample(SERVICES, rng.choice([0, 0, 1, 2]))))
        for n, code in enumerate(rng.sample(codes, rng.choice([1, 2, 2, 3]))):
            rows.append(
                Eligibility(
                    project=project,
                    phone=phone,
                    campaign=campaigns[code],
                    priority=n + 1 if rng.random() < 0.2 else None,
                    tariff=tariff,
                    services=services,
                    loaded_at=now,
                )
            )
    Eligibility.objects.bulk_create(rows, batch_size=2000)
    return phones


@transaction.atomic
def build_telecom_demo(*, now: datetime, seed: int = 7, numbers: int = NUMBERS) -> dict[str, int]:
    """Create `telecom-demo` (playbook `nbo`) and its day; skipped if present: {} then."""
    if Project.objects.filter(slug=SLUG).exists():
        return {}
    rng = random.Random(seed)
    supervisor = demo_user(
        "supervisor", is_staff=True, first_name="Светлана", last_name="Супервайзер"
    )
    if not supervisor.email:
        supervisor.email = "supervisor@example.org"
        supervisor.save(update_fields=["email"])
    partner = demo_user("partner", first_name="Сайт", last_name="Партнёра")
    first_line = [
        demo_user("tel1", first_name="Анна", last_name="Первая"),
        demo_user("tel2", first_name="Игорь", last_name="Линейный"),
    ]
    second_line = demo_user("tel3", first_name="Вера", last_name="Вторая")
    project = Project.objects.create(
        slug=SLUG,
        name="Телеком: входящая линия (демо)",
        playbook=Playbook.objects.get(code="nbo"),
    )
    Membership.objects.create(user=supervisor, project=project, role="supervisor")
    Membership.objects.create(user=partner, project=project, role="integration")
    for user in first_line:
        Membership.objects.create(user=user, project=project, role="operator", line=1)
    Membership.objects.create(user=second_line, project=project, role="operator", line=2)
    OffersSettings.objects.create(
        project=project, responsible=supervisor, report_email="nbo-responsible@example.org"
    )
    zone = ZoneInfo(project.time_zone)
    local_now = now.astimezone(zone)
    day = local_now.date() if local_now.hour >= 12 else local_now.date() - timedelta(days=1)
    campaigns_load(project=project, rows=_campaign_rows(day), actor=supervisor, now=now)
    phones = _numbers(project, rng, now, numbers)
    n = _day_of_interactions(project, phones, first_line, second_line, supervisor, rng, day, now)
    return {SLUG: n}


def _day_of_interactions(project, phones, first_line, second_line, supervisor, rng, day, now):

    zone = ZoneInfo(project.time_zone)
    start = datetime.combine(day, time(9, 0), tzinfo=zone)
    end = min(datetime.combine(day, time(21, 0), tzinfo=zone), now - timedelta(minutes=10))
    span = max(int((end - start).total_seconds() // 60), 60)
    count = 0
    for _ in range(150):
        at = start + timedelta(minutes=rng.randint(0, span))
        recorded = at + timedelta(minutes=rng.randint(2, 8))
        if recorded > now:
            at, recorded = now - timedelta(minutes=9), now - timedelta(minutes=2)
        phone = rng.choice(phones)
        subject, comment = rng.choice(SUBJECTS)
        roll = rng.random()
        number = offers_for_number(project=project, phone=phone, today=day)
        if roll < 0.1:  # the second line: no offers (NBO-3)
            args = {"actor": second_line, "line": "second", "offers": []}
        elif roll < 0.16:  # another split: no offer needed (NBO-3)
            args = {"actor": rng.choice(first_line), "transferred_to": "other_split"}
        else:
            args = {"actor": rng.choice(first_line)}
            if roll > 0.9:
                args["transferred_to"] = "ivr"  # voiced before the transfer
            if number.eligible and rng.random() < 0.86:
                offer = number.eligible[0] if rng.random() < 0.8 else rng.choice(number.eligible)
                response = rng.choice(["yes", "no", "no", "think"])
                args["offers"] = [{"offer": offer.code, "response": response}]
            elif number.eligible:
                args["lost_reason"] = rng.choice(LOST_REASONS)
        actor = args.pop("actor")
        interaction = nbo_interaction_record(
            project=project,
            actor=actor,
            phone=phone,
            line=args.pop("line", "first"),
            subject=subject,
            comment=comment,
            started_at=at,
            now=recorded,
            **args,
        )
        count += 1
        voiced = (args.get("offers") or [None])[0]
        if voiced and voiced["response"] == "think" and rng.random() < 0.4:
            offer_response_change(  # the customer called back and agreed (NBO-2)
                interaction_id=interaction.pk,
                offer=voiced["offer"],
                response="yes",
                actor=actor,
                now=recorded + timedelta(minutes=1),
            )
        if voiced and voiced["response"] == "yes" and rng.random() < 0.15:
            adjustment_create(  # NBO-6: the connection fee credited
                interaction_id=interaction.pk,
                category="promo_credit",
                amount="150.00",
                reason="Недостаточно средств для подключения",
                campaign=voiced["offer"],
                comment=f"Начислена ФК 150 ₽ за подключение {voiced['offer']} по согласию абонента",
                actor=actor,
                now=recorded + timedelta(minutes=1),
            )
    return count
