"""Helpers of `test_every_page_in_russian` (issue 24): what a person sees on a rendered
page, the crawl of one role's screens, and the checks that the text speaks Russian —
no raw code, no English UI word, every count agreeing with its noun."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urljoin, urlsplit

# ---------------------------------------------------------------- visible text

_SKIPPED = {"script", "style", "textarea", "noscript", "code"}
# the admin's sidebar repeats the admin index (checked on /admin/ itself) on every page
_SKIPPED_IDS = {"nav-sidebar"}
# an e-mail's HTML source, shown on purpose under "HTML source" on a message page
_SKIPPED_CLASSES = {"source"}
_SHOWN_ATTRS = ("title", "placeholder", "aria-label")
_VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip
_BLOCK = {
    "p", "div", "li", "tr", "td", "th", "table", "ul", "ol", "h1", "h2", "h3", "h4", "h5",
    "h6", "section", "article", "header", "footer", "nav", "form", "fieldset", "legend",
    "dt", "dd", "dl", "br", "option", "label", "caption", "thead", "tbody", "summary",
    "details", "dialog", "main", "aside", "pre", "blockquote", "button", "select", "hr",
}  # fmt: skip


# starts a line that came from a title, placeholder or aria-label (a tooltip, a hint)
ATTR = "\u2063"


class _Page(HTMLParser):
    """The text a person sees (scripts, styles and user-typed values left out), the
    visible attributes, and the links the page offers."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skip = 0
        self._skip_tag: list[str] = []  # an element skipped by id, and its nesting depth
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._skip_tag:
            if tag == self._skip_tag[0] and tag not in _VOID:
                self._depth += 1
            return
        classes = set((a.get("class") or "").split())
        if (a.get("id") in _SKIPPED_IDS or classes & _SKIPPED_CLASSES) and tag not in _VOID:
            self._skip_tag, self._depth = [tag], 1
            return
        if tag in _SKIPPED and tag not in _VOID:
            self._skip += 1
        if tag in _BLOCK:
            self.parts.append("\n")
        if self._skip:
            return
        for name in _SHOWN_ATTRS:
            if a.get(name):
                self.parts.append(f"\n{ATTR}{a[name]}\n")
        # a button's label is its value; any other input's value is what a user typed
        button = (a.get("type") or "").lower() in {"submit", "button", "reset"}
        if tag == "input" and button and a.get("value"):
            self.parts.append(f"\n{a['value']}\n")
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        if a.get("hx-get"):
            self.links.append(a["hx-get"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag in _SKIPPED and self._skip and not self._skip_tag:
            self._skip -= 1

    def handle_endtag(self, tag):
        if self._skip_tag:
            if tag == self._skip_tag[0]:
                self._depth -= 1
                if not self._depth:
                    self._skip_tag = []
            return
        if tag in _SKIPPED and self._skip:
            self._skip -= 1
        if tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data):
        if not self._skip and not self._skip_tag:
            self.parts.append(data)


def page_text_and_links(html: str) -> tuple[str, list[str]]:
    parser = _Page()
    parser.feed(html)
    parser.close()
    text = "".join(parser.parts)
    lines = (re.sub(r"[ \t\r\f\v\u00a0\u202f]+", " ", line).strip() for line in text.split("\n"))
    lines = (line for line in lines if line != ATTR)
    return "\n".join(line for line in lines if line), parser.links


# ---------------------------------------------------------------- checks


@dataclass(frozen=True, order=True)
class Finding:
    kind: str
    screen: str  # the URL pattern (ids replaced by <n>)
    found: str
    context: str
    url: str
    role: str


def context(text: str, start: int, end: int, width: int = 40) -> str:
    left = text[max(0, start - width) : start]
    right = text[end : end + width]
    return f"…{left}[{text[start:end]}]{right}…".replace("\n", " ⏎ ").replace(ATTR, "title=")


# A code is raw when it stands alone: not a part of an e-mail, a URL, a file name, an SKU
# or a longer identifier.
_EDGE = r"[\w@./:\\-]"


def whole(word: str) -> re.Pattern:
    return re.compile(rf"(?<!{_EDGE}){re.escape(word)}(?![\w@/\\-]|[.:]\w)")


def english_word(phrase: str) -> re.Pattern:
    """A UI word, case-sensitive, not part of a longer Latin word or identifier."""
    return re.compile(rf"(?<![A-Za-z0-9_@./-]){re.escape(phrase)}(?![A-Za-z0-9_@/-])")


# ---- counts: Russian plural agreement


def plural_class(n: int) -> int:
    if n % 10 == 1 and n % 100 != 11:
        return 0
    if 2 <= n % 10 <= 4 and not 12 <= n % 100 <= 14:
        return 1
    return 2


# (one, few, many) in the nominative; the genitive singular where it differs from "few"
# (after из/от/до/для/без/более… the genitive is right: "из 21 заказа", "для 5 заказов").
NOUNS: list[tuple[str, str, str]] = [
    ("заказ", "заказа", "заказов"),
    ("оператор", "оператора", "операторов"),
    ("пользователь", "пользователя", "пользователей"),
    ("сценарий", "сценария", "сценариев"),
    ("письмо", "письма", "писем"),
    ("звонок", "звонка", "звонков"),
    ("день", "дня", "дней"),
    ("час", "часа", "часов"),
    ("минута", "минуты", "минут"),
    ("секунда", "секунды", "секунд"),
    ("неделя", "недели", "недель"),
    ("месяц", "месяца", "месяцев"),
    ("год", "года", "лет"),
    ("штука", "штуки", "штук"),
    ("номер", "номера", "номеров"),
    ("абонент", "абонента", "абонентов"),
    ("клиент", "клиента", "клиентов"),
    ("подписка", "подписки", "подписок"),
    ("подписчик", "подписчика", "подписчиков"),
    ("выпуск", "выпуска", "выпусков"),
    ("предложение", "предложения", "предложений"),
    ("кампания", "кампании", "кампаний"),
    ("товар", "товара", "товаров"),
    ("позиция", "позиции", "позиций"),
    ("попытка", "попытки", "попыток"),
    ("сообщение", "сообщения", "сообщений"),
    ("запись", "записи", "записей"),
    ("строка", "строки", "строк"),
    ("обращение", "обращения", "обращений"),
    ("платёж", "платежа", "платежей"),
    ("рубль", "рубля", "рублей"),
    ("промокод", "промокода", "промокодов"),
    ("код", "кода", "кодов"),
    ("эскалация", "эскалации", "эскалаций"),
    ("ошибка", "ошибки", "ошибок"),
    ("проект", "проекта", "проектов"),
    ("раз", "раза", "раз"),
    ("результат", "результата", "результатов"),
    ("объект", "объекта", "объектов"),
    ("группа", "группы", "групп"),
    ("задача", "задачи", "задач"),
    ("исключение", "исключения", "исключений"),
    ("корректировка", "корректировки", "корректировок"),
    ("начисление", "начисления", "начислений"),
    ("очередь", "очереди", "очередей"),
    ("продажа", "продажи", "продаж"),
    ("вызов", "вызова", "вызовов"),
]
# nominative plural forms a count never takes ("5 сценарии", "15 пользователи")
_NOMINATIVE_PLURAL = {
    "заказы", "операторы", "пользователи", "сценарии", "письма", "звонки", "дни", "часы",
    "минуты", "номера", "абоненты", "клиенты", "подписки", "выпуски", "предложения",
    "кампании", "товары", "позиции", "попытки", "сообщения", "записи", "строки",
    "обращения", "платежи", "рубли", "промокоды", "коды", "эскалации", "ошибки", "проекты",
    "результаты", "объекты", "группы", "задачи", "исключения", "корректировки", "очереди",
    "продажи", "вызовы",
}  # fmt: skip
_FORMS: dict[str, tuple[str, str, str]] = {}
for _forms in NOUNS:
    for _f in _forms:
        _FORMS.setdefault(_f, _forms)
_GENITIVE_BEFORE = {
    "из", "от", "до", "для", "без", "около", "у", "после", "более", "менее", "больше",
    "меньше", "свыше", "кроме", "нет", "вместо", "среди", "со", "с", "не",
}  # fmt: skip
_COUNT = re.compile(
    r"(?:(?P<prev>[А-Яа-яЁё]+) +)?(?<![\d.,:/№#+-])(?P<n>\d+)(?![.,:]\d) +"
    r"(?P<noun>[А-Яа-яЁё]+)(?![А-Яа-яЁё(])"
)
_HEDGED = re.compile(r"(?<![\w(])(?P<stem>[А-Яа-яЁё]+)\((?P<end>[а-яё]{1,3})\)")


def count_problems(text: str) -> Iterable[tuple[str, int, int]]:
    """(what, start, end) of every count that does not agree with its noun."""
    for m in _HEDGED.finditer(text):
        yield m.group(0), m.start(), m.end()
    for m in _COUNT.finditer(text):
        noun = m.group("noun")
        word = noun.lower()
        n = int(m.group("n"))
        if word in _NOMINATIVE_PLURAL and word not in _FORMS:
            yield f"{n} {noun}", m.start("n"), m.end("noun")
            continue
        forms = _FORMS.get(word)
        if forms is None:
            continue
        right = {forms[plural_class(n)]}
        prev = (m.group("prev") or "").lower()
        if prev in _GENITIVE_BEFORE:
            # genitive: 1 → заказа, 2…4 → заказов, 5… → заказов
            right = {forms[1] if plural_class(n) == 0 else forms[2]}
            right.add(forms[plural_class(n)])  # "до 5 дней", "нет 1 …" both read fine
        if word not in right:
            yield f"{n} {noun}", m.start("n"), m.end("noun")


# ---------------------------------------------------------------- the crawl


def _ids(path: str) -> str:
    return "/".join("<n>" if re.search(r"\d", seg) else seg for seg in path.split("/"))


# how a list is sorted or paged: the same screen
_SAME_SCREEN = {"sort", "page", "page_size", "o", "p", "from"}


def pattern_of(url: str) -> str:
    """A screen: the path with ids as <n>, and the names (not values) of its query, but
    for sorting and paging."""
    parts = urlsplit(url)
    path = _ids(parts.path)
    query = parse_qsl(parts.query, keep_blank_values=True)
    keys = sorted({k for k, _ in query if k not in _SAME_SCREEN})
    return path + (f"?{'&'.join(keys)}" if keys else "")


_NEVER = re.compile(
    r"^/(api|static|media|i18n|__debug__)/|/logout/?$|/password_change|\.(xlsx|csv|json|pdf|zip"
    r"|txt|eml)(\?|$)|/(next|auto-next|release|reopen|retry|send|commit|end|yes|decide|notify"
    r"|call|no-answer|items|edit|comment|outcome|promo|adjustments|confirm-payment"
    r"|nightly-clean-up|record|load)/?$|^/addresses/|/delete/$|/history/$|^/livez|^/healthz"
)


def crawlable(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme not in {"", "http"} or parts.netloc not in {"", "testserver"}:
        return False
    path = parts.path
    if not path.startswith("/") or _NEVER.search(path):
        return False
    if path.startswith("/admin/"):
        # the admin: its index, list and change pages; no add forms, app indexes,
        # actions, or the ?_changelist_filters/popup variants of a change page
        query = dict(parse_qsl(parts.query))
        if path.endswith("/add/") or "_popup" in query or "_to_field" in query:
            return False
        depth = path.strip("/").split("/")
        if len(depth) == 2 and path != "/admin/":  # /admin/<app>/ repeats the index
            return False
        if "/r/" in path or path.startswith("/admin/jsi18n"):
            return False
        if _FRAMEWORK_INTERNALS.search(path):
            return False
    return True


# Superusers' views of the frameworks' own records, not the product's: the sign-in throttle's
# logs, background task rows, Django's permission list and password form on a user's page
# (permission names are stored by Django in English); and NBO's policy setting, typed as
# JSON, whose help shows that format. Named in the round's closing note.
_FRAMEWORK_INTERNALS = re.compile(
    r"^/admin/(axes|django_tasks_database)/|^/admin/accounts/user/[^/]+/(change/|password/)?$"
    r"|^/admin/offers/offerssettings/[^/]+/change/$"
)


@dataclass
class Budget:
    pages: int = 40
    admin_pages: int = 0
    per_pattern: int = 3
    per_admin_pattern: int = 1


@dataclass
class Crawl:
    role: str
    fetched: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)


def admin_pattern(url: str) -> str:
    """An admin screen: the list of a model (with any filter or order) or a change page."""
    return _ids(urlsplit(url).path)


def crawl(
    client,
    role: str,
    seeds: list[str],
    budget: Budget,
    check: Callable[[str, str], Iterable[tuple[str, str, int, int]]],
) -> Crawl:
    """Fetch the seeds, then follow same-site links breadth first within the budget; run
    `check(url, text)` on every 200 HTML page: (kind, found, start, end) per problem."""
    out = Crawl(role)
    queue = deque(urldefrag(s)[0] for s in seeds)
    seeded = set(queue)
    seen: set[str] = set()
    per_pattern: dict[str, int] = {}
    counted = {"site": 0, "admin": 0}
    while queue:
        url = queue.popleft()
        if url in seen or not crawlable(url):
            continue
        is_admin = urlsplit(url).path.startswith("/admin/")
        area = "admin" if is_admin else "site"
        limit = budget.admin_pages if is_admin else budget.pages
        if counted[area] >= limit:
            continue
        pat = admin_pattern(url) if is_admin else pattern_of(url)
        cap = budget.per_admin_pattern if is_admin else budget.per_pattern
        if url not in seeded and per_pattern.get(pat, 0) >= cap:
            continue
        seen.add(url)
        per_pattern[pat] = per_pattern.get(pat, 0) + 1
        counted[area] += 1
        response = client.get(url, follow=True)
        final = response.request["PATH_INFO"]
        if response.request.get("QUERY_STRING"):
            final += "?" + response.request["QUERY_STRING"]
        out.fetched.append(url)
        if response.status_code >= 500:
            out.findings.append(
                Finding("server error", pattern_of(url), str(response.status_code), "", url, role)
            )
            continue
        ctype = response.get("Content-Type", "")
        if response.status_code != 200 or "text/html" not in ctype:
            continue
        text, links = page_text_and_links(response.content.decode())
        out.texts[final] = text
        for kind, found, start, end in check(final, text):
            out.findings.append(
                Finding(kind, pattern_of(final), found, context(text, start, end), final, role)
            )
        for href in links:
            link = urldefrag(urljoin(final, href))[0]
            link = re.sub(r"^https?://testserver", "", link)
            if link not in seen and crawlable(link):
                queue.append(link)
    return out
