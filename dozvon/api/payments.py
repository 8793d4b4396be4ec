"""DUN: payments reported by the partner (DUN-2 delivery, DUN-9 attribution and KPI). (API.md round 2)"""

from __future__ import annotations

from ninja import Router

router = Router()
