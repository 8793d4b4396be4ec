"""Demo data of the DUN playbook (issue 14): the project `pharmacy-demo` — a partner
pharmacy's unpaid bank-transfer orders — with its operators and supervisor, products,
mail settings, templates in Russian and Ukrainian, and about 200 orders in every state.

Everything is built through the services with a controllable clock, so the data obey
the rules: the orders are taken in by the intake service with their creation times;
then the days from the oldest order to `now` are replayed in order — the playbook's
triggers run at 00:05 each day (DUN-1: entering the worklist on day 7, leaving it six
weeks later), and each order's work happens on its days: two calls from Skype and Magna
more than two hours apart or a conversation, a comment in Russian, then an email, a
postponement, a cancel (DUN-4…7); a supervisor confirms payments and once ran the clean-up
of exhausted orders (DUN-8). Nothing is scheduled after `now`.

`build_pharmacy_demo(now=…)` does nothing when the project exists.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.db import transaction

from dozvon.automation.services import triggers_run
from dozvon.calls.services import call_attempt_record
from dozvon.catalog.models import Product
from dozvon.core.phones import parse_phone
from dozvon.customers.services import CustomerInput
from dozvon.dunning import rules as dun
from dozvon.dunning.services import exhausted_clean_up
from dozvon.messaging.models import MailSettings
from dozvon.messaging.services import message_send_now, template_save
from dozvon.orders import services as svc
from dozvon.playbooks.models import Playbook
from dozvon.projects.models import Membership, Project

SLUG = "pharmacy-demo"
TZ = "Europe/Kyiv"
PASSWORD = "demo"  # as every demo login (core/demo.py, README)

PRODUCTS = [  # priced per tablet: the bonus is extra tablets (DUN-2)
    ("SIL-100", "Силденафил 100 мг, таблетка", "38.00"),
    ("TAD-20", "Тадалафил 20 мг, таблетка", "52.00"),
    ("VAR-20", "Варденафил 20 мг, таблетка", "47.00"),
    ("FIN-5", "Финастерид 5 мг, таблетка", "21.00"),
    ("ORL-120", "Орлистат 120 мг, капсула", "29.00"),
    ("MEL-3", "Мелатонин 3 мг, таблетка", "9.00"),
]

UA_MALE = (
    ["Тарас", "Олександр", "Богдан", "Андрій", "Василь", "Юрій", "Остап"],
    ["Григорович", "Петрович", "Іванович", "Миколайович", "Степанович"],
    ["Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравчук", "Мельник", "Лисенко"],
)
UA_FEMALE = (
    ["Олена", "Оксана", "Ганна", "Наталія", "Ірина", "Леся", "Софія"],
    ["Петрівна", "Іванівна", "Миколаївна", "Василівна", "Андріївна"],
    ["Шевченко", "Коваленко", "Бондаренко", "Ткаченко", "Кравчук", "Мельник", "Литвин"],
)
RU_MALE = (
    ["Иван", "Сергей", "Дмитрий", "Алексей", "Николай", "Михаил"],
    ["Иванович", "Петрович", "Сергеевич", "Андреевич"],
    ["Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Волков"],
)
RU_FEMALE = (
    ["Мария", "Анна", "Елена", "Татьяна", "Ольга", "Юлия"],
    ["Ивановна", "Сергеевна", "Андреевна", "Петровна"],
    ["Иванова", "Смирнова", "Кузнецова", "Попова", "Соколова", "Волкова"],
)
TRANSLIT = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэіїєґ", "abvgdeziyklmnoprstufyeiiig", strict=True)),
        **{"ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "sch", "ю": "yu"},
        **{"я": "ya", "ё": "e", "ь": "", "ъ": "", "'": ""},
    }
)

# Mobile numbers of the countries the pharmacy's customers order from: (prefix, digits
# after it, weight). Every generated number is checked as X-4 checks it.
PHONES = [
    ("+38067", 7, 18),
    ("+38050", 7, 12),
    ("+38097", 7, 10),
    ("+38093", 7, 8),
    ("+7916", 7, 14),
    ("+7701", 7, 6),  # Kazakhstan
    ("+7777", 7, 4),
    ("+37369", 6, 6),  # Moldova
    ("+37378", 6, 4),
    ("+4850", 7, 5),  # Poland
    ("+4869", 7, 5),
    ("+37529", 7, 4),  # Belarus
]

# Operators' comments, in Russian (DUN-6), each with a letter only Russian has
FAILED = [
    "Не берёт трубку, звонил со скайпа и с магны",
    "Два вызова без ответа, с разных номеров",
    "Занято, потом без ответа; звонил с двух линий, ещё попробую",
    "Абонент не ответил ни разу, попробуем завтра ещё",
    "Трубку не берёт уже который день, звонил с обеих линий",
]
TALKED = {
    "promised_date": "Обещал оплатить к {date}, реквизиты у него есть",
    "will_think": "Прочтёт письмо с бонусом и подумает",
    "already_paid": "Говорит, что уже оплатил; попросили прислать квитанцию, ещё не получили",
    "promised": "Обещал оплатить на этой неделе",
    "refused": "Отказался от заказа, таблетки больше не нужны",
    "duplicate": "Дубль: клиент оформил ещё один заказ",
    "talk": "Поговорили: письмо получил, обещал оплатить на этой неделе",
    "details": "Клиент просит письмо с реквизитами ещё раз",
}
NO_NUMBER = "Номер не существует, вызовы не проходят"
VOICEMAIL = "Всегда автоответчик, только письма, звонки бесполезны"
PAID = [
    "Оплата поступила, платёж проверен",
    "Клиент прислал квитанцию, оплата подтверждена банком, всё сходится",
]

BANK_DETAILS_RU = """Получатель: ООО «Аптека-Демо» (демо-реквизиты)
ЕГРПОУ 00000000
IBAN UA00 0000 0000 0000 0000 0000 0000 0 в АО «Демобанк», г. Киев
Назначение платежа: оплата заказа № (номер заказа)"""

_SIGN_RU = "\nС уважением,\n{{ shop_name }}\n"
_SIGN_UK = "\nЗ повагою,\n{{ shop_name }}\n"
_LIST = (
    "{% for item in items %}{{ item.name }}: {{ item.quantity }} шт. × {{ item.price }} = "
    "{{ item.line_total }}\n{% endfor %}"
)


def _templates() -> list[dict]:
    """bank_details, bonus_offer (at the operator's %), final_bonus_offer (DUN-8: +25 %),
    in Russian and Ukrainian."""
    ru = {
        "bank_details": (
            "Реквизиты для оплаты",
            "Заказ № {{ order_number }}: реквизиты для оплаты",
            "Здравствуйте, {{ customer_name }}!\n\nВаш заказ № {{ order_number }} от "
            "{{ order_date }} ждёт оплаты.\n\n" + _LIST + "Итого: {{ total }}\n\n"
            "Оплатить можно в онлайн-банке или в кассе любого банка:\n{{ bank_details }}\n"
            + _SIGN_RU,
        ),
        "bonus_offer": (
            "Бонус за оплату",
            "Бонус {{ bonus_percent }} % к заказу № {{ order_number }}",
            "Здравствуйте, {{ customer_name }}!\n\nОплатите заказ № {{ order_number }} "
            "({{ total }}), и мы положим в посылку ещё {{ bonus_units }} шт. бесплатно — "
            "бонус {{ bonus_percent }} %.\n\nРеквизиты:\n{{ bank_details }}\n" + _SIGN_RU,
        ),
        "final_bonus_offer": (
            "Последнее предложение",
            "Последнее предложение: +25 % к заказу № {{ order_number }}",
            "Здравствуйте, {{ customer_name }}!\n\nМы так и не получили оплату заказа "
            "№ {{ order_number }}. Последнее предложение: оплатите {{ total }}, и мы добавим "
            "{{ bonus_units }} шт. (+{{ bonus_percent }} %).\n\nРеквизиты:\n"
            "{{ bank_details }}\n" + _SIGN_RU,
        ),
    }
    uk = {
        "bank_details": (
            "Реквізити для оплати",
            "Замовлення № {{ order_number }}: реквізити для оплати",
            "Вітаємо, {{ customer_name }}!\n\nВаше замовлення № {{ order_number }} від "
            "{{ order_date }} очікує на оплату.\n\n" + _LIST + "Разом: {{ total }}\n\n"
            "Сплатити можна в онлайн-банкінгу або в касі будь-якого банку:\n"
            "{{ bank_details }}\n" + _SIGN_UK,
        ),
        "bonus_offer": (
            "Бонус за оплату",
            "Бонус {{ bonus_percent }} % до замовлення № {{ order_number }}",
            "Вітаємо, {{ customer_name }}!\n\nСплатіть замовлення № {{ order_number }} "
            "({{ total }}), і ми додамо до посилки ще {{ bonus_units }} шт. безкоштовно — "
            "бонус {{ bonus_percent }} %.\n\nРеквізити:\n{{ bank_details }}\n" + _SIGN_UK,
        ),
        "final_bonus_offer": (
            "Остання пропозиція",
            "Остання пропозиція: +25 % до замовлення № {{ order_number }}",
            "Вітаємо, {{ customer_name }}!\n\nМи досі не отримали оплату замовлення "
            "№ {{ order_number }}. Остання пропозиція: сплатіть {{ total }}, і ми додамо "
            "{{ bonus_units }} шт. (+{{ bonus_percent }} %).\n\nРеквізити:\n"
            "{{ bank_details }}\n" + _SIGN_UK,
        ),
    }
    out = []
    for language, texts in (("ru", ru), ("uk", uk)):
        for code, (name, subject, body) in texts.items():
            out.append(
                {
                    "code": code,
                    "language": language,
                    "name": name,
                    "subject": subject,
                    "body_text": body,
                    "bonus_percent": 25 if code == "final_bonus_offer" else None,
                }
            )
    return out


# --- people, products, settings -----------------------------------------------------------


def _user(username: str, **extra):
    user, created = get_user_model().objects.get_or_create(username=username, defaults=extra)
    if created:
        user.set_password(PASSWORD)
        user.save()
    return user


def _project(now: datetime):
    project = Project.objects.create(
        slug=SLUG,
        name="Аптека-партнёр: неоплаченные заказы (демо)",
        playbook=Playbook.objects.get(code="dun"),
        time_zone=TZ,
        currency="UAH",
    )
    people = {
        "op1": _user("pharmacy-op1", first_name="Оксана", last_name="Дзвінка"),
        "op2": _user("pharmacy-op2", first_name="Максим", last_name="Телефонов"),
        "sup": _user("pharmacy-sup", first_name="Ірина", last_name="Старша", is_staff=True),
        "partner": _user("partner", first_name="Сайт", last_name="Партнёра"),
    }
    for key, role in (("op1", "operator"), ("op2", "operator"), ("sup", "supervisor")):
        Membership.objects.create(user=people[key], project=project, role=role)
    Membership.objects.create(user=people["partner"], project=project, role="integration")
    for sku, name, price in PRODUCTS:
        Product.objects.create(
            project=project,
            sku=sku,
            name=name,
            price=Decimal(price),
            max_discount_percent=Decimal("10"),
        )
    MailSettings.objects.create(
        project=project, sender_name="Аптека-Демо", bank_details=BANK_DETAILS_RU
    )
    for spec in _templates():
        template_save(project=project, actor=people["sup"], now=now, **spec)
    return project, people


def _phone(rng: random.Random) -> str:
    prefixes = [p for p, _, w in PHONES for _ in range(w)]
    while True:
        prefix = rng.choice(prefixes)
        digits = dict((p, n) for p, n, _ in PHONES)[prefix]
        number = prefix + "".join(str(rng.randint(0, 9)) for _ in range(digits))
        if parse_phone(number).valid:
            return number


def _person(rng: random.Random, n: int, with_email: bool) -> CustomerInput:
    names = rng.choice((UA_MALE, UA_FEMALE) if rng.random() < 0.6 else (RU_MALE, RU_FEMALE))
    first, patronymic, last = (rng.choice(part) for part in names)
    login = f"{first.lower().translate(TRANSLIT)}.{last.lower().translate(TRANSLIT)}{n}"
    return CustomerInput(
        name=f"{last} {first} {patronymic}",
        phone=_phone(rng),
        email=f"{login}@example.com" if with_email else "",
    )


# --- the replay -----------------------------------------------------------------------------


@dataclass
class Replay:
    """The days from the oldest order to `now`: scheduled work, run in time order."""

    project: Project
    people: dict
    rng: random.Random
    now: datetime
    events: list[tuple[datetime, int, Callable[[], object]]] = field(default_factory=list)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(TZ)

    @property
    def today(self) -> date:
        return self.now.astimezone(self.zone).date()

    @property
    def last_day(self) -> date:
        """The last full working day (yesterday): today's work is only partly done."""
        return self.today - timedelta(days=1)

    def at(self, day: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(day, time(hour, minute), tzinfo=self.zone)

    def schedule(self, moment: datetime, fn: Callable[[], object]) -> None:
        if moment < self.now:
            self.events.append((moment, len(self.events), fn))

    def run(self) -> None:
        for _, _, fn in sorted(self.events, key=lambda e: (e[0], e[1])):
            fn()
        self.events.clear()

    def operator(self):
        return self.people[self.rng.choice(("op1", "op2"))]

    # one order's work on one day, as one scheduled step ---------------------------------

    def call(self, order, when, line, result, who):
        call_attempt_record(
            order_id=order.pk,
            actor=who,
            result=result,
            line=line,
            started_at=when,
            duration_s=75 if result == "answered" else 0,
            now=when,
        )

    def comment(self, order, when, text, who):
        svc.order_add_comment(order_id=order.pk, actor=who, text=text, now=when)

    def failed_calls(self, order, day: date, then=None, *, first=None):
        """DUN-7: Skype, then Magna more than 2 h later, no answer; the comment; `then`."""
        who = self.operator()
        start = self.at(day, 9, self.rng.randint(0, 50))

        def work():
            lines = ["skype", "magna"]
            self.rng.shuffle(lines)
            self.call(order, start, lines[0], "no_answer", who)
            second = start + timedelta(hours=2, minutes=self.rng.randint(5, 40))
            self.call(order, second, lines[1], self.rng.choice(["no_answer", "busy"]), who)
            after = second + timedelta(minutes=3)
            self.comment(order, after, first or self.rng.choice(FAILED), who)
            if then is not None:
                then(after + timedelta(minutes=2), who)

        self.schedule(start, work)

    def talk(self, order, day: date, text: str, then=None):
        """A conversation (DUN-7: then its comment is enough); `then`."""
        who = self.operator()
        start = self.at(day, 10, self.rng.randint(0, 50))

        def work():
            self.call(order, start, self.rng.choice(["skype", "magna"]), "answered", who)
            after = start + timedelta(minutes=4)
            self.comment(order, after, text, who)
            if then is not None:
                then(after + timedelta(minutes=2), who)

        self.schedule(start, work)

    def email(self, order, template: str, percent: int | None = None):
        """Send an email after the step (none for a customer without an address)."""

        def send(when, who):
            if not order.customer.email:
                return
            message_send_now(
                order_id=order.pk, template=template, bonus_percent=percent, actor=who, now=when
            )

        return send

    def bonus(self, order, entered: date, day: date):
        """DUN-2: the week's bonus, now and then the 25 % offered from the first call."""
        week = dun.work_week(entered, day)
        percent = 25 if self.rng.random() < 0.2 else dun.bonus_percent(week) or 25
        return self.email(order, "bonus_offer", percent)

    def outcome(self, order, code: str, comment: str, **inputs):
        def save(when, who):
            svc.order_apply_outcome(
                order_id=order.pk,
                actor=who,
                code=code,
                comment=comment,
                inputs=inputs,
                now=when,
            )

        return save

    def paid(self, order, day: date):
        sup = self.people["sup"]
        when = self.at(day, 16, self.rng.randint(0, 50))
        self.schedule(
            when,
            lambda: svc.order_apply_outcome(
                order_id=order.pk, actor=sup, code="paid", comment=self.rng.choice(PAID), now=when
            ),
        )


def _days(first: date, last: date, k: int, rng: random.Random) -> list[date]:
    """`k` distinct days in [first, last], in order (fewer when the range is short)."""
    span = (last - first).days + 1
    if span <= 0:
        return []
    return sorted(first + timedelta(days=d) for d in rng.sample(range(span), min(k, span)))


# States and how many orders each: (state, count, days since creation).
PLAN = [
    ("waiting", 30, (0, 6)),  # pending, before day 7 (DUN-1)
    ("card", 5, (8, 20)),  # paid by card: never enters the worklist
    ("new", 15, (7, 10)),  # in the worklist, not called yet
    ("worked", 40, (8, 48)),  # in the worklist, weeks 1–6, called from both lines
    ("postponed", 35, (8, 40)),  # 7 for each reason (DUN-5)
    ("unreachable", 10, (9, 40)),  # emails instead of calls (DUN-8)
    ("exhausted", 8, (14, 40)),  # more than 7 calls: for the clean-up button (DUN-8)
    ("cancelled", 14, (8, 45)),  # by an operator, with a reason (DUN-4)
    ("cleaned_up", 6, (16, 40)),  # by the supervisor's clean-up (DUN-8)
    ("paid_early", 5, (3, 20)),  # paid before day 7
    ("paid", 20, (9, 45)),  # paid after being worked (DUN-9)
    ("expired", 12, (50, 58)),  # six weeks over: out of the worklist, status kept
]
CLEAN_UP_DAYS_AGO = 5  # when the supervisor pressed the clean-up button


@transaction.atomic
def build_pharmacy_demo(*, now: datetime, seed: int = 7) -> dict[str, int]:
    """Create `pharmacy-demo` and its ~200 orders; {} when it exists already."""
    if Project.objects.filter(slug=SLUG).exists():
        return {}
    rng = random.Random(seed)
    project, people = _project(now)
    replay = Replay(project, people, rng, now)
    products = list(Product.objects.filter(project=project).order_by("id"))
    n, first = 0, replay.today
    for state, count, (low, high) in PLAN:
        for i in range(count):
            n += 1
            order, entered = _intake(replay, products, n, state, rng.randint(low, high))
            _script(replay, order, entered, state, i)
            first = min(first, entered)
    day = first
    while day <= replay.today:  # the worker's runs: every day just after midnight
        moment = replay.at(day, 0, 5)
        replay.schedule(moment, lambda m=moment: triggers_run(project=project, now=m))
        day += timedelta(days=1)
    clean = replay.at(replay.today - timedelta(days=CLEAN_UP_DAYS_AGO), 8, 30)
    replay.schedule(
        clean,
        lambda: exhausted_clean_up(project=project, actor=people["sup"], now=clean),
    )
    replay.run()
    triggers_run(project=project, now=now)
    return {SLUG: n}


def _intake(replay: Replay, products, n: int, state: str, days_ago: int):
    rng = replay.rng
    if days_ago == 0:
        created = replay.now - timedelta(minutes=rng.randint(5, 180))
    else:
        day = replay.today - timedelta(days=days_ago)
        created = replay.at(day, rng.randint(7, 22), rng.randint(0, 59))
    # emails for most; the states that send emails always have one
    with_email = state in {"unreachable", "exhausted", "cleaned_up", "postponed"} or (
        rng.random() < 0.85
    )
    main = rng.choice(products)
    items = [svc.ItemInput(main.sku, rng.choice([10, 20, 30, 30, 60, 90]))]
    if rng.random() < 0.25:
        extra = rng.choice([p for p in products if p != main])
        items.append(svc.ItemInput(extra.sku, rng.choice([10, 30])))
    order, _ = svc.order_intake(
        project=replay.project,
        actor=replay.people["partner"],
        external_id=f"PH-{240000 + n}",
        customer=_person(rng, n, with_email),
        items=items,
        payment_method="card" if state == "card" else "bank_transfer",
        created_at=created,
        now=created,
    )
    entered = created.astimezone(replay.zone).date() + timedelta(days=7)
    return order, entered


REASONS = ["promised_date", "will_think", "already_paid", "promised", "other"]
CANCEL_REASONS = ["refused", "refused", "wrong_number", "duplicate", "other"]


def _script(r: Replay, order, entered: date, state: str, i: int) -> None:
    """Schedule one order's work for its state (nothing after `now`)."""
    rng, last = r.rng, r.last_day
    if state in {"waiting", "card", "new"}:
        return
    if state == "paid_early":  # 1–4 days after the order, before today
        created = order.created_at.astimezone(r.zone).date()
        r.paid(order, created + timedelta(days=rng.randint(1, min(4, (last - created).days))))
        return
    if state == "worked":
        days = _days(entered, last, rng.randint(1, 3), rng)
        for k, day in enumerate(days):
            final = k == len(days) - 1
            if rng.random() < 0.3:
                then = r.email(order, "bank_details") if final else None
                r.talk(order, day, TALKED["talk"], then)
            else:
                r.failed_calls(order, day, r.bonus(order, entered, day) if final else None)
        if i % 3 == 0 and r.now.astimezone(r.zone).hour >= 11:
            # today: one call from Skype so far, the one from Magna still to make (DUN-7)
            when = r.at(r.today, 9, rng.randint(0, 40))
            who = r.operator()
            r.schedule(when, lambda: r.call(order, when, "skype", "no_answer", who))
        return
    if state == "postponed":
        reason = REASONS[i % len(REASONS)]
        for day in _days(entered, last - timedelta(days=3), rng.randint(0, 1), rng):
            r.failed_calls(order, day)
        if reason == "other":
            r.failed_calls(order, last, r.outcome(order, "postpone", "", reason="other"))
            return
        inputs: dict = {"reason": reason}
        text = TALKED[reason]
        if reason == "promised_date":
            promised = last + timedelta(days=rng.randint(3, 12))
            inputs["promised_on"] = promised
            text = text.format(date=f"{promised:%d.%m}")
        elif reason in {"will_think", "already_paid"}:
            inputs["days"] = rng.randint(2, 3)
        else:
            inputs["days"] = rng.randint(1, 3)
        postpone = r.outcome(order, "postpone", "", **inputs)
        if reason == "will_think":
            offer = r.bonus(order, entered, last)

            def then(when, who, postpone=postpone, offer=offer):
                postpone(when, who)
                offer(when + timedelta(minutes=1), who)

            r.talk(order, last, text, then)
        else:
            r.talk(order, last, text, postpone)
        return
    if state == "unreachable":
        day = _days(entered, last, 1, rng)[0]
        who = r.operator()
        start = r.at(day, 9, rng.randint(0, 50))
        no_number = i % 2 == 0
        mark = r.outcome(order, "unreachable", NO_NUMBER if no_number else VOICEMAIL)

        def work():
            if no_number:
                r.call(order, start, "skype", "invalid_number", who)
            else:
                r.call(order, start, "skype", "voicemail", who)
                r.call(order, start + timedelta(hours=2, minutes=20), "magna", "voicemail", who)
            after = start + timedelta(hours=2, minutes=30)
            mark(after, who)
            r.email(order, "bank_details")(after + timedelta(minutes=1), who)
            r.bonus(order, entered, day)(after + timedelta(minutes=2), who)

        r.schedule(start, work)
        return
    if state == "exhausted":  # 4 days × 2 calls, after the supervisor's last clean-up
        for day in (last - timedelta(days=d) for d in (3, 2, 1, 0)):
            r.failed_calls(order, day)
        return
    if state == "cleaned_up":  # 8 calls before the clean-up
        clean_day = r.today - timedelta(days=CLEAN_UP_DAYS_AGO)
        for day in (clean_day - timedelta(days=d) for d in (4, 3, 2, 1)):
            r.failed_calls(order, day)
        return
    if state == "cancelled":
        reason = CANCEL_REASONS[i % len(CANCEL_REASONS)]
        day = _days(entered, min(last, entered + timedelta(days=30)), 1, rng)[0]
        if reason in {"refused", "duplicate"}:
            text = TALKED[reason]
            r.talk(order, day, text, r.outcome(order, "cancel", text, reason=reason))
        else:
            text = NO_NUMBER if reason == "wrong_number" else rng.choice(FAILED)
            r.failed_calls(order, day, r.outcome(order, "cancel", text, reason=reason), first=text)
        return
    if state == "paid":
        days = _days(entered, last - timedelta(days=1), rng.randint(1, 2), rng)
        for k, day in enumerate(days):
            if k == len(days) - 1 and rng.random() < 0.5:
                r.talk(order, day, TALKED["talk"], r.email(order, "bank_details"))
            else:
                r.failed_calls(order, day, r.bonus(order, entered, day))
        r.paid(order, days[-1] + timedelta(days=rng.randint(1, max(1, (last - days[-1]).days))))
        return
    if state == "expired":  # worked in its first weeks, then six weeks were over
        days = _days(entered, entered + timedelta(days=20), 2, rng)
        r.failed_calls(order, days[0], r.bonus(order, entered, days[0]))
        if i % 3 == 0:
            r.talk(
                order,
                days[1],
                TALKED["promised"],
                r.outcome(order, "postpone", "", reason="promised", days=3),
            )
        else:
            r.failed_calls(order, days[1])
        return
    raise ValueError(state)
