"""Reports for every playbook (X-11, DUN-9, SUB-6, NBO-5). (API.md round 2)"""

from __future__ import annotations

from ninja import Router

router = Router()
