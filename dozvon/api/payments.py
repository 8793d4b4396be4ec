"""DUN payments reported by the partner (API.md round 2; DUN-9 attribution)."""

from __future__ import annotations

from ninja import Router

router = Router()
