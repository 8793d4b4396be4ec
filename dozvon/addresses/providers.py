"""Address suggestions behind one interface (COD-12, SHOP-7).

The card asks a provider for cities, then streets of the chosen city, then houses of the
chosen street; SHOP's "split into fields" asks for the candidates of a free-text line. Two
providers speak this interface:

- `DadataProvider` (`dadata.py`): DaData's suggestions API, the field's standard, for
  production (`ADDRESS_PROVIDER=dadata`, `DADATA_API_KEY`).
- `OfflineProvider` (`offline.py`): data shipped in the package, for the demo, the tests
  and any installation without a DaData contract (the default).

A provider that is down, slow (over 1 s) or answering nonsense raises `ProviderUnavailable`;
the caller then lets the operator type the address by hand. Nothing waits longer.

`split` never picks for the operator: every candidate comes back, and more than one means
the line is ambiguous ("Ленина 32" exists in many towns; meant in Moscow, it may resolve to
Khimki).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Protocol

MAX_LIMIT = 20  # DaData answers at most 20 suggestions
DEFAULT_TIMEOUT = 1.0  # seconds: slower than this and the operator types by hand


class ProviderUnavailable(Exception):
    """The provider could not answer in time; the operator types the address by hand.
    The message says why (status, timeout) and never carries credentials."""


@dataclass(frozen=True)
class Suggestion:
    """One address, as far as it is known. Text parts are "" when unknown.

    `level` is the deepest part the provider recognised: "city", "settlement", "street",
    "house", "flat", or "" (nothing recognised: the parts are the operator's own words).
    Parts below `level` (a street the provider does not know, a house number) are carried
    over from what was typed, for the operator to verify.
    """

    value: str  # the whole address on one line, as shown in the list
    level: str = ""
    region: str = ""  # with its type: "Московская обл", "г Москва", "Респ Татарстан"
    district: str = ""  # "Локтевский р-н", "г Наро-Фоминск" (городской округ)
    city: str = ""  # the name only: "Химки"
    city_type: str = ""  # "г"
    settlement: str = ""  # with its type, inside a city or a district: "пос Коммунарка"
    street: str = ""  # with its type: "ул Ленина", "Ленинский пр-кт"
    house: str = ""
    block_type: str = ""  # "корп" | "стр"
    block: str = ""
    flat: str = ""
    postal_code: str = ""
    fias_id: str | None = None
    kladr_id: str | None = None
    source: str = ""  # "dadata" | "offline"

    @property
    def key(self) -> str:
        """What the card sends back as `city=`/`street=` to narrow the next step."""
        if self.level in ("street", "house", "flat") or (self.street and not self.level):
            return self.kladr_id or self.fias_id or self.street
        return self.kladr_id or self.fias_id or self.settlement or self.city

    @property
    def building(self) -> str:
        return f"{self.block_type} {self.block}".strip() if self.block else ""

    def parts(self) -> dict[str, str]:
        """The order's address parts (`playbooks.fields.ADDRESS_PARTS`) plus the extra ones
        COD-12 fills automatically."""
        return {
            "postal_code": self.postal_code,
            "region": self.region,
            "district": self.district,
            "city": self.settlement or self.city,
            "street": self.street,
            "house": self.house,
            "building": self.building,
            "apartment": self.flat,
        }

    def as_dict(self) -> dict:
        return asdict(self) | {"key": self.key, "parts": self.parts()}


class AddressProvider(Protocol):
    """Every method returns at most `limit` suggestions, best first, or raises
    `ProviderUnavailable`. `city`/`street` are a previous suggestion's `key` (a KLADR or
    FIAS id) or a name as typed."""

    name: str

    def suggest_city(self, query: str, limit: int = 10) -> list[Suggestion]: ...

    def suggest_street(self, city: str, query: str, limit: int = 10) -> list[Suggestion]: ...

    def suggest_house(
        self, city: str, street: str, query: str, limit: int = 10
    ) -> list[Suggestion]: ...

    def split(self, line: str, limit: int = 10) -> list[Suggestion]:
        """Candidates for a free-text line; more than one means ambiguous."""
        ...


def clamp_limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))
