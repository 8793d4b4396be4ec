"""System checks of the deployment (`dozvon check --deploy`), beside Django's own."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register

W001 = Warning(
    "BEHIND_TLS_PROXY is on but TRUSTED_PROXY_COUNT is 0.",
    hint=(
        "Behind a proxy every request arrives from the proxy's address, so the login "
        "throttle (django-axes) counts all users' failures against that one address and "
        "audit entries show it. Set TRUSTED_PROXY_COUNT to the number of reverse proxies "
        "that append to TRUSTED_PROXY_HEADER (usually 1)."
    ),
    id="dozvon.W001",
)


@register(Tags.security, deploy=True)
def proxy_client_address(app_configs=None, **kwargs):
    """dozvon.W001: TLS is terminated by a proxy, yet the client address is taken from
    REMOTE_ADDR (the proxy's)."""
    if getattr(settings, "BEHIND_TLS_PROXY", False) and settings.TRUSTED_PROXY_COUNT <= 0:
        return [W001]
    return []
