"""Fixed data and set-up of the pharmacy demo (`dozvon.dunning.demo`): the project's
slug, time zone and password, its products, the Ukrainian and Russian names and phone
prefixes customers are made from, the operators' Russian comments, the bank details and
the email templates in Russian and Ukrainian; and the helpers that create the project
with its people, products, mail settings and templates, and a generated customer.
"""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal

from dozvon.catalog.models import Product
from dozvon.core.demo_people import demo_user
from dozvon.core.phones import parse_phone
from dozvon.customers.services import CustomerInput
from dozvon.messaging.models import MailSettings
from dozvon.messaging.services import template_save
from dozvon.playbooks.models import Playbook
from dozvon.projects.models import Membership, Project

SLUG = "pharmacy-demo"
TZ = "Europe/Kyiv"
# the pharmacy's public sender: what customers read in From (issue 24 item 4)
SENDER_NAME = "Аптека Здоровье"
FROM_EMAIL = "orders@apteka.example"

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
Назначение платежа: оплата заказа № {{ order_number }}"""

# DUN-2: the bonus in the customer's terms: how many units of which product
_GIFT_RU = (
    "{{ bonus_units }} шт.{% if bonus_product %} «{{ bonus_product }}»"
    "{% else %} товаров из заказа{% endif %}"
)
_GIFT_UK = (
    "{{ bonus_units }} шт.{% if bonus_product %} «{{ bonus_product }}»"
    "{% else %} товарів із замовлення{% endif %}"
)
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
            "{{ bonus_units }} шт. в подарок к заказу № {{ order_number }}",
            "Здравствуйте, {{ customer_name }}!\n\nОплатите заказ № {{ order_number }} "
            "на сумму {{ total }}, и мы положим в посылку ещё " + _GIFT_RU + " бесплатно: "
            "вместо {{ order_units }} шт. вы получите {{ units_with_bonus }} шт. за ту же "
            "сумму (бонус {{ bonus_percent }} %).\n\nРеквизиты:\n{{ bank_details }}\n" + _SIGN_RU,
        ),
        "final_bonus_offer": (
            "Последнее предложение",
            "Последнее предложение: {{ bonus_units }} шт. в подарок к заказу № {{ order_number }}",
            "Здравствуйте, {{ customer_name }}!\n\nМы так и не получили оплату заказа "
            "№ {{ order_number }}. Последнее предложение: оплатите {{ total }}, и мы добавим "
            + _GIFT_RU
            + " бесплатно: {{ units_with_bonus }} шт. вместо {{ order_units }} "
            "(бонус {{ bonus_percent }} %).\n\nРеквизиты:\n{{ bank_details }}\n" + _SIGN_RU,
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
            "{{ bonus_units }} шт. у подарунок до замовлення № {{ order_number }}",
            "Вітаємо, {{ customer_name }}!\n\nСплатіть замовлення № {{ order_number }} "
            "на суму {{ total }}, і ми додамо до посилки ще " + _GIFT_UK + " безкоштовно: "
            "замість {{ order_units }} шт. ви отримаєте {{ units_with_bonus }} шт. за ту саму "
            "суму (бонус {{ bonus_percent }} %).\n\nРеквізити:\n{{ bank_details }}\n" + _SIGN_UK,
        ),
        "final_bonus_offer": (
            "Остання пропозиція",
            "Остання пропозиція: {{ bonus_units }} шт. у подарунок до замовлення "
            "№ {{ order_number }}",
            "Вітаємо, {{ customer_name }}!\n\nМи досі не отримали оплату замовлення "
            "№ {{ order_number }}. Остання пропозиція: сплатіть {{ total }}, і ми додамо "
            + _GIFT_UK
            + " безкоштовно: {{ units_with_bonus }} шт. замість {{ order_units }} "
            "(бонус {{ bonus_percent }} %).\n\nРеквізити:\n{{ bank_details }}\n" + _SIGN_UK,
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


def _project(now: datetime):
    project = Project.objects.create(
        slug=SLUG,
        name="Аптека-партнёр: неоплаченные заказы (демо)",
        playbook=Playbook.objects.get(code="dun"),
        time_zone=TZ,
        currency="UAH",
    )
    people = {
        "op1": demo_user("pharmacy-op1", first_name="Оксана", last_name="Дзвінка"),
        "op2": demo_user("pharmacy-op2", first_name="Максим", last_name="Телефонов"),
        "sup": demo_user("pharmacy-sup", first_name="Ірина", last_name="Старша", is_staff=True),
        "partner": demo_user("partner", first_name="Сайт", last_name="Партнёра"),
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
    MailSettings.objects.create(  # the public sender customers know (issue 24 item 4)
        project=project,
        sender_name=SENDER_NAME,
        from_email=FROM_EMAIL,
        bank_details=BANK_DETAILS_RU,
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
