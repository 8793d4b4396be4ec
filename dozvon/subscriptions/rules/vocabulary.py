"""The vocabulary of subscriptions (SUB-1…4, X-10): plans, groups, statuses, contact
outcomes, row limits and the Russian names a partner's file may use instead of the codes."""

from __future__ import annotations

from decimal import Decimal

BASE = "base"
ACCELERATED = "accelerated"
PLANS = (BASE, ACCELERATED)

UNTOUCHED = "untouched"  # will finish in time on the base plan: left alone (SUB-1)
GREEN = "green"  # accelerated and will finish before the suspension
PINK = "pink"  # cannot finish before the suspension
GROUPS = (UNTOUCHED, GREEN, PINK)

ACTIVE = "active"
CANCELLED = "cancelled"
STATUSES = (ACTIVE, CANCELLED)

# SUB-3: what one contact of an unhappy subscriber ends with
STAYED = "stayed"  # stays on the accelerated plan
BOUGHT_SOME = "bought_some"  # bought some remaining issues in the shop (which ones)
BOUGHT_ALL = "bought_all"  # bought every remaining issue
WILL_THINK = "will_think"  # will think and phone again
REFUND = "refund"  # asked for a refund: escalated to the partner
OUTCOMES = (STAYED, BOUGHT_SOME, BOUGHT_ALL, WILL_THINK, REFUND)
# SUB-4: not staying ⇒ the subscription is cancelled
LEAVING = frozenset({BOUGHT_SOME, BOUGHT_ALL, REFUND})
BUYING = frozenset({BOUGHT_SOME, BOUGHT_ALL})

MAX_ROWS = 500  # one API request or import file (API.md round 2)
NUMBER_MAX = 64
COLLECTION_CODE_MAX = 40
MAX_ISSUES = 1000  # a partwork of more issues is a typo
DAYS_PER_MONTH = Decimal("30.4375")  # 365.25 / 12: delivery rates are per month

# Names a file may use instead of the codes (the partner's Excel is in Russian).
PLAN_ALIASES = {
    "base": BASE,
    "базовый": BASE,
    "базовый план": BASE,
    "accelerated": ACCELERATED,
    "ускоренный": ACCELERATED,
    "ускоренный план": ACCELERATED,
}
GROUP_ALIASES = {
    "untouched": UNTOUCHED,
    "не трогаем": UNTOUCHED,
    "успеет": UNTOUCHED,
    "green": GREEN,
    "зеленая": GREEN,
    "зелёная": GREEN,
    "зеленая группа": GREEN,
    "зелёная группа": GREEN,
    "pink": PINK,
    "розовая": PINK,
    "розовая группа": PINK,
}
