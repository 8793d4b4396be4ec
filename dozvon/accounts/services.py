"""API tokens: created once (raw value shown once), looked up by hash."""

from __future__ import annotations

from datetime import datetime, timedelta

from dozvon.accounts.models import ApiToken, LoginFailure, User, hash_token
from dozvon.audit.services import audit_record


def token_create(*, user: User, name: str = "", actor=None, now: datetime) -> str:
    raw = ApiToken.generate()
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[3:9], key_hash=hash_token(raw))
    audit_record(
        actor=actor,
        action="token.create",
        target_type="api_token",
        target_id=token.pk,
        changes={"user": user.username, "prefix": token.prefix},
        now=now,
    )
    return raw


def user_for_token(raw: str, *, now: datetime) -> User | None:
    if not raw or len(raw) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=hash_token(raw), revoked=False, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 300:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


LOGIN_WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_USER = 5
MAX_FAILURES_PER_IP = 30


def login_allowed(*, username: str, ip: str | None, now: datetime) -> bool:
    since = now - LOGIN_WINDOW
    per_user = LoginFailure.objects.filter(username=username.lower(), at__gte=since).count()
    per_ip = LoginFailure.objects.filter(ip=ip, at__gte=since).count() if ip else 0
    return per_user < MAX_FAILURES_PER_USER and per_ip < MAX_FAILURES_PER_IP


def login_failure_record(*, username: str, ip: str | None, now: datetime) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], ip=ip, at=now)
    LoginFailure.objects.filter(at__lt=now - LOGIN_WINDOW * 4).delete()
