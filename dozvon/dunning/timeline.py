"""DUN's words for its history lines (X-6, the TIMELINE extension point): the marks its
effects set on an order (DUN-2, DUN-5, DUN-8)."""

from __future__ import annotations

from django.utils.translation import gettext_noop as N_

from dozvon.history.words import TimelineWords

DUN_WORDS = TimelineWords(
    marks={
        "proof_requested": N_("proof of payment requested"),  # DUN-5 "already paid"
        "unreachable": N_("unreachable"),  # DUN-8: emails instead of calls
        "expired": N_("the weeks of work are over"),  # DUN-2
    }
)
