"""SUB: subscriptions, their import, the registry and promo codes (SUB-1…6). (API.md round 2)"""

from __future__ import annotations

from ninja import Router

router = Router()
