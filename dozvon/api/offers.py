"""NBO: campaigns, eligibility, responses and adjustments (NBO-1…6). (API.md round 2)"""

from __future__ import annotations

from ninja import Router

router = Router()
