"""Numbers as every report, KPI and screen shows them (issue 26: one concept, one place).

- `share(part, whole)`: a fraction to four places (0.6667 = 66.67 %), rounded half up;
  `empty` (None unless the caller's contract says otherwise) when there is nothing to
  divide. Every share, rate and conversion (X-11 reports, NBO-5's KPI, DUN-9's paid
  share, the files' percent cells) is this one.
- `percent(fraction, places)`: a share as the screen reads it (0.66665 → 66.7), rounded
  half up like the share itself.
- `grouped(n)`: a whole number with its thousands apart ("1 490", a narrow no-break space),
  as money and counts are read on the screen and in the charts.

Plain Python, no Django: the base layer.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import overload

SHARE_PLACES = Decimal("0.0001")
ZERO_SHARE = Decimal("0.0000")
NNBSP = "\u202f"  # narrow no-break space: the thousands separator


def share_rounded(value: Decimal | int | float | str) -> Decimal:
    """A fraction rounded as every share is: four places, half up (0.66665 → 0.6667)."""
    if isinstance(value, float):
        value = str(value)  # the float's shortest text, not its binary expansion
    return Decimal(value).quantize(SHARE_PLACES, rounding=ROUND_HALF_UP)


@overload
def share(part: int | Decimal, whole: int | Decimal) -> Decimal | None: ...
@overload
def share(part: int | Decimal, whole: int | Decimal, *, empty: Decimal) -> Decimal: ...


def share(
    part: int | Decimal, whole: int | Decimal, *, empty: Decimal | None = None
) -> Decimal | None:
    """part / whole as a fraction to four places, rounded half up; `empty` when whole is
    0 (or less). Whole numbers (counts) take an exact integer path: reports compute tens
    of thousands of shares."""
    if not whole or whole < 0:
        return empty
    if type(part) is int and type(whole) is int and part >= 0:
        return Decimal((part * 20000 + whole) // (2 * whole)).scaleb(-4)
    return share_rounded(Decimal(part) / Decimal(whole))


def percent(fraction: Decimal | int | float | str, places: int = 1) -> Decimal:
    """A share as a percentage to `places` decimals, rounded half up: 0.66665 → 66.7
    (the screen's report cells), 0.125 → 13 (a chart's bar, no decimals)."""
    if isinstance(fraction, float):
        fraction = str(fraction)
    exponent = Decimal(1).scaleb(-places)
    return (Decimal(fraction) * 100).quantize(exponent, rounding=ROUND_HALF_UP)


def grouped(value: int) -> str:
    """A whole number with its thousands apart by a narrow no-break space: 1 490, -12 000."""
    return f"{int(value):,}".replace(",", NNBSP)
