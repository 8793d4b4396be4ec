"""The only code that changes NBO data (SPEC NBO-1…6), by topic:

- `loading`: campaigns and eligibility from the API or an XLSX/CSV upload (NBO-1, NBO-4);
- `recording`: the offers of an interaction, lost sales, later YESes (NBO-1…5);
- `adjustments`: balance adjustments and the billing's answer (NBO-6);
- `notify`: the responsible person's daily list of excluded numbers (NBO-4).
"""

from dozvon.offers.services.adjustments import (
    IdempotencyConflict,
    adjustment_create,
    adjustment_decide,
    subject_line,
)
from dozvon.offers.services.loading import LoadResult, campaigns_load, eligibility_load
from dozvon.offers.services.notify import (
    excluded_report_queue,
    excluded_report_send,
    excluded_reports_of,
)
from dozvon.offers.services.recording import (
    nbo_interaction_record,
    offer_response_change,
    offers_record,
)

__all__ = [
    "IdempotencyConflict",
    "LoadResult",
    "adjustment_create",
    "adjustment_decide",
    "campaigns_load",
    "eligibility_load",
    "excluded_report_queue",
    "excluded_report_send",
    "excluded_reports_of",
    "nbo_interaction_record",
    "offer_response_change",
    "offers_record",
    "subject_line",
]
