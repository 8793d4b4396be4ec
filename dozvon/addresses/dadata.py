"""DaData's address suggestions (the production provider, COD-12, SHOP-7).

`POST {base}/suggest/address` with `Authorization: Token <key>` and a JSON body
`{"query", "count", "from_bound", "to_bound", "locations", "restrict_value"}`; the answer is
`{"suggestions": [{"value", "unrestricted_value", "data": {...}}]}`. Only the suggestions
API is used (the key alone, free tier): its answers are candidates, so an ambiguous line
stays ambiguous. The clean API (`X-Secret`, paid per call) returns one answer and would
hide the ambiguity SHOP-7 asks to show.

The whole call, connect to last byte, has one deadline (1 s by default). Any error,
timeout, status other than 200 or malformed answer raises `ProviderUnavailable`, and for
the next `cooloff` seconds calls fail at once without waiting: when DaData is down every
keystroke would otherwise hold a web worker for a second. The key is sent only in the
header: never logged, never in an error message or repr. Plain HTTP is refused except to
a loopback address (the tests' fake server).
"""

from __future__ import annotations

import http.client
import ipaddress
import json
import re
import socket
import time
from dataclasses import replace
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from dozvon.addresses.parsing import CITY_TYPES, norm, parse_line
from dozvon.addresses.providers import (
    DEFAULT_TIMEOUT,
    ProviderUnavailable,
    Suggestion,
    clamp_limit,
)

DEFAULT_BASE_URL = "https://suggestions.dadata.ru/suggestions/api/4_1/rs"
COOLOFF = 10.0  # seconds without calls after a failure
MAX_ANSWER = 1_000_000  # bytes; 20 suggestions are ~30 KB
MAX_QUERY = 300  # DaData's own limit on `query`

_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_KLADR = re.compile(r"^\d{13,19}$")
_LEVELS = {
    "1": "region",
    "3": "district",
    "4": "city",
    "5": "city",
    "6": "settlement",
    "65": "settlement",
    "7": "street",
    "75": "street",
    "8": "house",
    "9": "flat",
}
_BLOCK_TYPES = {"к": "корп", "корп": "корп", "стр": "стр"}

# base URL → time.monotonic() before which calls fail at once (module-wide: a provider
# object lives for one request)
_down_until: dict[str, float] = {}


def _bound(level: str) -> dict[str, str]:
    return {"value": level}


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _place(key: str) -> list[dict[str, str]]:
    """DaData `locations` for a chosen town: its KLADR id, FIAS id or name."""
    key = key.strip()
    if _KLADR.match(key):
        return [{"kladr_id": key}]
    if _UUID.match(key.lower()):
        return [{"city_fias_id": key.lower()}, {"settlement_fias_id": key.lower()}]
    name = key.split()
    if len(name) > 1 and norm(name[0]).rstrip(".") in CITY_TYPES:
        name = name[1:]
    name_text = " ".join(name)
    return [{"city": name_text}, {"settlement": name_text}]


def _suggestion(item: dict) -> Suggestion:
    data = item.get("data") or {}
    if not isinstance(data, dict):
        raise ValueError("data is not an object")

    def get(field: str) -> str:
        value = data.get(field)
        return "" if value is None else str(value)

    level = _LEVELS.get(get("fias_level"), "")
    if level == "region" and get("city"):
        level = "city"  # Moscow, St Petersburg, Sevastopol
    return Suggestion(
        value=str(item.get("value") or ""),
        level=level,
        region=get("region_with_type"),
        district=get("area_with_type"),
        city=get("city"),
        city_type=get("city_type"),
        settlement=get("settlement_with_type"),
        street=get("street_with_type"),
        house=get("house"),
        block_type=_BLOCK_TYPES.get(get("block_type"), get("block_type")),
        block=get("block"),
        flat=get("flat"),
        postal_code=get("postal_code"),
        fias_id=get("fias_id") or None,
        kladr_id=get("kladr_id") or None,
        source="dadata",
    )


class DadataProvider:
    name = "dadata"

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
        cooloff: float = COOLOFF,
    ) -> None:
        url = urlsplit(base_url.rstrip("/"))
        if url.scheme not in ("https", "http") or not url.hostname:
            raise ImproperlyConfigured("DADATA_SUGGEST_URL must be an https:// URL")
        if url.scheme == "http" and not _is_loopback(url.hostname):
            raise ImproperlyConfigured("DADATA_SUGGEST_URL must use https (the key is sent)")
        self._key = api_key
        self._url = url
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.cooloff = cooloff

    def __repr__(self) -> str:  # never the key
        return f"DadataProvider(base_url={self.base_url!r})"

    # --- the interface
    def suggest_city(self, query: str, limit: int = 10) -> list[Suggestion]:
        return self._suggest(
            {
                "query": query,
                "count": clamp_limit(limit),
                "from_bound": _bound("city"),
                "to_bound": _bound("settlement"),
            }
        )

    def suggest_street(self, city: str, query: str, limit: int = 10) -> list[Suggestion]:
        return self._suggest(
            {
                "query": query,
                "count": clamp_limit(limit),
                "from_bound": _bound("street"),
                "to_bound": _bound("street"),
                "locations": _place(city),
                "restrict_value": True,
            }
        )

    def suggest_house(
        self, city: str, street: str, query: str, limit: int = 10
    ) -> list[Suggestion]:
        key = street.strip()
        if _KLADR.match(key):
            locations, text = [{"kladr_id": key}], query
        elif _UUID.match(key.lower()):
            locations, text = [{"street_fias_id": key.lower()}], query
        else:  # a street typed by hand: DaData finds it inside the town
            locations, text = _place(city), f"{key} {query}".strip()
        return self._suggest(
            {
                "query": text,
                "count": clamp_limit(limit),
                "from_bound": _bound("house"),
                "to_bound": _bound("house"),
                "locations": locations,
                "restrict_value": True,
            }
        )

    def split(self, line: str, limit: int = 10) -> list[Suggestion]:
        found = self._suggest({"query": line, "count": clamp_limit(limit)})
        # DaData suggests flats only where its register lists them, and drops a block it
        # does not know: keep what the operator typed rather than lose it
        parsed = parse_line(line)
        out = []
        for s in found:
            extra = {}
            if parsed.flat and not s.flat and s.house:
                extra["flat"] = parsed.flat
            if parsed.block and not s.block and s.house == parsed.house:
                extra |= {"block": parsed.block, "block_type": parsed.block_type}
            if extra:
                added = ", ".join(
                    p
                    for p in (
                        f"{extra['block_type']} {extra['block']}" if "block" in extra else "",
                        f"кв {extra['flat']}" if "flat" in extra else "",
                    )
                    if p
                )
                s = replace(s, value=f"{s.value}, {added}", **extra)
            out.append(s)
        return out

    # --- HTTP
    def _suggest(self, body: dict) -> list[Suggestion]:
        body["query"] = str(body["query"])[:MAX_QUERY]
        if not body["query"].strip():
            return []
        items = self._post("/suggest/address", body)
        try:
            return [_suggestion(item) for item in items]
        except (AttributeError, TypeError, ValueError) as exc:
            self._failed()
            raise ProviderUnavailable(f"DaData answered an unexpected shape: {exc}") from exc

    def _failed(self) -> None:
        if self.cooloff > 0:
            _down_until[self.base_url] = time.monotonic() + self.cooloff

    def _post(self, path: str, body: dict) -> list[dict]:
        if time.monotonic() < _down_until.get(self.base_url, 0.0):
            raise ProviderUnavailable("DaData failed a moment ago; not asking again yet")
        deadline = time.monotonic() + self.timeout
        url = self._url
        connection_class = (
            http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        )
        conn = connection_class(url.hostname, url.port, timeout=self.timeout)
        try:
            conn.request(
                "POST",
                f"{url.path}{path}",
                body=json.dumps(body, ensure_ascii=False).encode(),
                headers={
                    "Content-Type": "application/json",
                    "Accept": "application/json",
                    "Authorization": f"Token {self._key}",
                },
            )
            # the socket itself: getresponse() hands it to the response and forgets it
            # when the server will close the connection (HTTP/1.0)
            sock = conn.sock
            _remaining(sock, deadline)
            response = conn.getresponse()
            if response.status != 200:
                raise ProviderUnavailable(f"DaData answered HTTP {response.status}")
            raw = bytearray()
            while True:
                _remaining(sock, deadline)
                chunk = response.read1(65536)
                if not chunk:
                    break
                raw += chunk
                if len(raw) > MAX_ANSWER:
                    raise ProviderUnavailable("DaData's answer is too large")
            items = json.loads(raw.decode("utf-8"))["suggestions"]
            if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
                raise ValueError("suggestions is not a list of objects")
            return items
        except ProviderUnavailable:
            self._failed()
            raise
        except (OSError, http.client.HTTPException, ValueError, KeyError, TypeError) as exc:
            self._failed()
            raise ProviderUnavailable(f"DaData unavailable: {type(exc).__name__}") from exc
        finally:
            conn.close()


def _remaining(sock: socket.socket | None, deadline: float) -> None:
    """Bound the next socket operation by what is left of the call's deadline."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise TimeoutError("deadline passed")
    if sock is not None:
        sock.settimeout(left)
