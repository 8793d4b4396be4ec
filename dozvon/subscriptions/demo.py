"""Demo data of the SUB playbook (`make demo`): project `subscriptions-demo` with a
100-issue collection, 300 subscriptions across the three groups (SUB-1), some already
contacted on the retention line (SUB-3, SUB-4), the seed's promo code (SUB-5, active), its
operator and supervisor — built
through the services, like the rest of the demo."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction

from dozvon.core.demo_people import FEMALE, MALE, demo_user
from dozvon.interactions.services import interaction_record
from dozvon.messaging.models import MailSettings
from dozvon.messaging.services import template_save
from dozvon.playbooks.models import Playbook
from dozvon.projects.models import Membership, Project
from dozvon.subscriptions.promo_codes import promo_code_create
from dozvon.subscriptions.services import collection_save, subscriptions_upsert

SLUG = "subscriptions-demo"
PROMO_CODE = "ЖЕЛЕЗНЫЙЧЕЛОВЕК"  # the seed's (000_…): known only to operators
# The publisher's public sender: what subscribers and the partner read in From (issue 24
# item 4), never the internal "… (демо)" project name
SENDER_NAME = "Издательство «Коллекции»"
FROM_EMAIL = "podpiska@kollekcii.example"
TEMPLATES = {
    "subscription_inform": (
        "Ваша подписка переведена на ускоренный план",
        "Ваша подписка №{{ subscription_number }} переведена на ускоренный план",
        "Здравствуйте, {{ customer_name }}!\n\n"
        "Выпуск коллекции «{{ collection_name }}» будет приостановлен {{ suspend_on }}. "
        "Чтобы вы успели собрать модель, мы перевели вашу подписку №{{ subscription_number }} "
        "на {{ plan_name|lower }}: оставшиеся выпуски ({{ remaining_issues }}) придут до "
        "приостановки.\n\nС уважением,\n{{ shop_name }}",
    ),
    # SUB-3: to the partner — whom to call back and what the operator wrote (SUB-5: any
    # promo code in the comment is replaced before it is sent)
    "subscription_refund": (
        "Запрос на возврат (партнёру)",
        "Запрос на возврат по подписке №{{ subscription_number }}",
        "Здравствуйте!\n\n"
        "Подписчик просит вернуть деньги. Просим рассмотреть обращение и сообщить решение.\n\n"
        "Подписчик: {{ customer_name }}\n"
        "Телефон: {{ customer_phone }}\n"
        "Подписка: №{{ subscription_number }}, коллекция «{{ collection_name }}», "
        "{{ plan_name|lower }}\n"
        "Осталось выпусков: {{ remaining_issues }}\n"
        "Дата обращения: {{ due_date }}\n"
        'Комментарий оператора: {{ operator_comment|default:"—" }}\n\n'
        "С уважением,\n{{ shop_name }}",
    ),
}
# (group, plan, how many, delivered issues range)
GROUPS = (
    ("green", "accelerated", 150, (20, 60)),
    ("pink", "base", 60, (0, 19)),
    ("untouched", "base", 90, (60, 95)),
)
# SUB-3 outcomes of the contacted subscriptions (green ones): how many of each
CONTACTS = (
    ("will_think", 10),
    ("stayed", 8),
    ("bought_some", 5),
    ("bought_all", 4),
    ("refund", 3),
)
COMMENTS = {
    "will_think": "Объяснили приостановку 31.12, клиент подумает о заказе в шопе",
    "stayed": "Объяснили ускорение, клиент остаётся на ускоренном плане",
    "bought_some": "Подписка отменена, оформлен заказ на часть выпусков",
    "bought_all": "Подписка отменена, оформлен заказ на все оставшиеся выпуски",
    "refund": "Клиент просит вернуть деньги, передано партнёру",
}


@transaction.atomic
def build_subscriptions_demo(*, now: datetime, seed: int = 7) -> dict[str, int]:
    """Create the SUB demo project; skipped (an empty dict) when it exists."""
    if Project.objects.filter(slug=SLUG).exists():
        return {}
    rng = random.Random(seed)
    operator = demo_user("subs-op1", first_name="Ульяна", last_name="Удержанова")
    supervisor = demo_user(
        "subs-sup", is_staff=True, first_name="Станислав", last_name="Подписочный"
    )
    project = Project.objects.create(
        slug=SLUG,
        name="Ускоренные подписки (демо)",
        playbook=Playbook.objects.get(code="sub"),
        settings={"partner_email": "partner@example.com"},
    )
    Membership.objects.create(user=operator, project=project, role="operator")
    Membership.objects.create(user=supervisor, project=project, role="supervisor")
    MailSettings.objects.create(project=project, sender_name=SENDER_NAME, from_email=FROM_EMAIL)
    for code, (name, subject, body) in TEMPLATES.items():
        template_save(
            project=project,
            code=code,
            name=name,
            subject=subject,
            body_text=body,
            actor=supervisor,
            now=now,
        )
    collection_save(
        project=project,
        code="im",
        name="Железный человек",
        issues_total=100,
        issue_price=Decimal("999.00"),
        sku_prefix="IM",
        base_per_month=Decimal("4"),
        accelerated_per_month=Decimal("8"),
        actor=supervisor,
        now=now,
    )
    suspend_on = date(now.year + 1, 12, 31)
    # SUB-5: the seed's operator-only code, 447 off every issue of the collection, active
    # until the suspension day
    promo_code_create(
        project=project,
        actor=supervisor,
        code=PROMO_CODE,
        collection="im",
        discount_amount=Decimal("447.00"),
        ends_on=suspend_on,
        now=now,
    )
    rows = []
    for group, plan, count, (low, high) in GROUPS:
        for _ in range(count):
            n = len(rows) + 1
            first, patronymic, last = rng.choice((MALE, FEMALE))
            rows.append(
                {
                    "number": f"IM-{100000 + n}",
                    "name": f"{rng.choice(last)} {rng.choice(first)} {rng.choice(patronymic)}",
                    "phone": f"+7 9{rng.randint(10, 99)} {rng.randint(100, 999)}-"
                    f"{rng.randint(10, 99)}-{n % 100:02d}",
                    "email": f"subscriber{n}@example.com" if n % 10 else "",
                    "collection": "im",
                    "plan": plan,
                    "issues_total": 100,
                    "issues_delivered": rng.randint(low, high),
                    "group": group,
                    "suspend_on": suspend_on,
                }
            )
    results = subscriptions_upsert(project=project, rows=rows, actor=supervisor, now=now)
    green = [r.subscription for r in results if r.subscription.group == "green"]
    picked = iter(rng.sample(green, sum(n for _, n in CONTACTS)))
    for outcome, count in CONTACTS:
        for _ in range(count):
            sub = next(picked)
            remaining = list(range(sub.issues_delivered + 1, sub.issues_total + 1))
            interaction_record(
                project=project,
                actor=operator,
                phone=sub.customer.phone,
                line="first",
                subject="Недоволен ускоренной подпиской",
                comment=COMMENTS[outcome],
                subscription=sub.pk,
                outcome=outcome,
                issues=rng.sample(remaining, 3) if outcome == "bought_some" else None,
                now=now - timedelta(days=rng.randint(0, 13), hours=rng.randint(1, 8)),
            )
    return {SLUG: len(results)}
