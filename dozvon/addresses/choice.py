"""Which address provider serves the suggestions (COD-12): the settings choose it."""

from __future__ import annotations

import os

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from dozvon.addresses.dadata import DEFAULT_BASE_URL, DadataProvider
from dozvon.addresses.offline import OfflineProvider
from dozvon.addresses.providers import AddressProvider


def _setting(name: str, default: str = "") -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value).strip()


def get_provider() -> AddressProvider:
    """The provider the settings choose: `ADDRESS_PROVIDER` = "offline" (default) or
    "dadata" (needs `DADATA_API_KEY`; `DADATA_SUGGEST_URL` overrides the base URL)."""
    choice = (_setting("ADDRESS_PROVIDER", "offline") or "offline").lower()
    if choice == "offline":
        return OfflineProvider()
    if choice == "dadata":
        key = _setting("DADATA_API_KEY")
        if not key:
            raise ImproperlyConfigured("ADDRESS_PROVIDER=dadata needs DADATA_API_KEY")
        return DadataProvider(
            api_key=key, base_url=_setting("DADATA_SUGGEST_URL") or DEFAULT_BASE_URL
        )
    raise ImproperlyConfigured(f"ADDRESS_PROVIDER must be 'offline' or 'dadata', got {choice!r}")
