"""Messages of an order (X-9; API.md round 2): list and send a template now."""

from __future__ import annotations

from ninja import Router

router = Router()
