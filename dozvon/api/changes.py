"""The changes feed (API.md round 2): order changes in commit order, for partners who poll."""

from __future__ import annotations

from ninja import Router

router = Router()
