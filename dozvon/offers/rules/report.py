"""NBO-4: whether the list of a day's excluded numbers can be emailed by hand (pure)."""

from __future__ import annotations

from datetime import date

from dozvon.core.errors import Violation, violation


def check_report_send(*, day: date, today: date, recipient: str, numbers: int) -> list[Violation]:
    """NBO-4: a supervisor emails a day's list to the responsible person: a day that has
    begun, someone to send it to, and at least one such number on that day."""
    found: list[Violation] = []
    if day > today:
        found.append(violation("NBO-4", "day", "The day has not come yet."))
    elif not numbers:
        found.append(violation("NBO-4", "day", "No number with an excluded offer called that day."))
    if not recipient:
        found.append(
            violation(
                "NBO-4",
                "report_email",
                "Nobody receives the list: set the responsible person or the report email.",
            )
        )
    return found
