"""The offline address provider: data shipped in the package, no network (COD-12, SHOP-7).

What it ships (`data/`, 27 KB together; `data/README.md` has the details), both files
dozvon's own compilation from general public knowledge, MIT like the rest of dozvon:

- `ru_places.csv` — 241 rows, 17 KB: every regional capital, every city of about 100,000
  people or more, the towns of Moscow region and of Leningrad region, one row each: name,
  type, region and district with their types, postal index (the main post office's; empty
  where not known), population. The `kladr_id`/`fias_id` columns are empty: we have no
  source of our own for them. Other towns, villages and settlements are not in it: the
  operator types those by hand.
- `ru_streets.csv` — 98 rows, 10 KB: a demo list of well-known streets in 13 cities
  (Moscow, St Petersburg, Novosibirsk, Yekaterinburg, Nizhny Novgorod, Kazan, Khimki,
  Balashikha, Elektrostal, Podolsk, Mytishchi, Korolyov, Lyubertsy), each row naming its
  town by region and name. Enough for the demo and for ambiguity ("Ленина 32" is in seven
  of these towns), nowhere near complete: in other cities the operator types the street.

A town's key is `region|name` ("Московская обл|Химки", `Place.key`): what a city suggestion
sends back as its `key`, and what joins a street to its town.

There is no house register: a house suggestion is the typed number read into house and
block ("32к2" → д 32, корп 2). Street and house suggestions carry the town's main postal
index; the operator corrects it where a big city has many.

Matching: case-insensitive, ё = е, every typed word a prefix of a word of the name, type
words ("г.", "ул.", "д.") understood; towns ranked by population.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

from dozvon.addresses.parsing import (
    CITY_TYPES,
    STREET_TYPES,
    ParsedLine,
    norm,
    parse_house,
    parse_line,
    words,
)
from dozvon.addresses.providers import Suggestion, clamp_limit

DATA_DIR = Path(__file__).resolve().parent / "data"
KEY_SEP = "|"  # a town's key: "region|name"


def place_key(region: str, name: str) -> str:
    return f"{region}{KEY_SEP}{name}"


@dataclass(frozen=True)
class Place:
    name: str
    type: str
    region: str
    district: str
    postal_code: str  # "" when not known
    kladr_id: str  # "" in our data (no source of our own); kept for the CSV's shape
    fias_id: str
    population: int
    words: tuple[str, ...]
    area_words: tuple[str, ...]  # region and district words, to narrow "Киров Калужская"

    @property
    def key(self) -> str:
        return place_key(self.region, self.name)

    @property
    def federal(self) -> bool:
        """Moscow, St Petersburg, Sevastopol: the town is the region ("г Москва")."""
        return self.region == f"{self.type} {self.name}"


@dataclass(frozen=True)
class Street:
    city_key: str  # the town's `Place.key`
    type: str
    name: str
    with_type: str
    words: tuple[str, ...]


@dataclass(frozen=True)
class Data:
    places: tuple[Place, ...]  # most populous first
    by_name: dict[str, tuple[Place, ...]]
    by_key: dict[str, Place]
    streets: tuple[Street, ...]
    streets_of: dict[str, tuple[Street, ...]]


@lru_cache(maxsize=1)
def load() -> Data:
    with (DATA_DIR / "ru_places.csv").open(encoding="utf-8", newline="") as f:
        places = [
            Place(
                name=row["name"],
                type=row["type"],
                region=row["region"],
                district=row["district"],
                postal_code=row["postal_code"],
                kladr_id=row["kladr_id"],
                fias_id=row["fias_id"],
                population=int(row["population"] or 0),
                words=tuple(words(row["name"])),
                area_words=tuple(words(f"{row['region']} {row['district']}")),
            )
            for row in csv.DictReader(f)
        ]
    places.sort(key=lambda p: (-p.population, p.name))
    by_name: dict[str, list[Place]] = {}
    for place in places:
        by_name.setdefault(" ".join(place.words), []).append(place)
    with (DATA_DIR / "ru_streets.csv").open(encoding="utf-8", newline="") as f:
        streets = [
            Street(
                place_key(r["region"], r["city"]),
                r["type"],
                r["name"],
                r["with_type"],
                tuple(words(r["name"])),
            )
            for r in csv.DictReader(f)
        ]
    streets_of: dict[str, list[Street]] = {}
    for street in streets:
        streets_of.setdefault(street.city_key, []).append(street)
    by_key = {p.key: p for p in places}
    if len(by_key) != len(places):
        raise ValueError("ru_places.csv: two rows with the same region and name")
    if unknown := {s.city_key for s in streets} - by_key.keys():
        raise ValueError(f"ru_streets.csv: towns not in ru_places.csv: {sorted(unknown)}")
    return Data(
        places=tuple(places),
        by_name={k: tuple(v) for k, v in by_name.items()},
        by_key=by_key,
        streets=tuple(streets),
        streets_of={k: tuple(v) for k, v in streets_of.items()},
    )


def _prefixes(query: list[str], target: tuple[str, ...]) -> bool:
    """Every query word is a prefix of a distinct target word, in any order."""
    left = list(target)
    for q in query:
        hit = next((t for t in left if t.startswith(q)), None)
        if hit is None:
            return False
        left.remove(hit)
    return True


def _strip_types(query: list[str], types: dict[str, str]) -> tuple[list[str], str]:
    """Type words out of the query ("г москва" → москва); the type found, if any."""
    found = next((types[w] for w in query if w in types), "")
    rest = [w for w in query if w not in types]
    return (rest, found) if rest else (query, "")


def _street_words(text: str) -> tuple[list[str], str]:
    raw = norm(text).replace(".", " ").split()
    kind = next((STREET_TYPES[w] for w in raw if w in STREET_TYPES), "")
    rest = " ".join(w for w in raw if w not in STREET_TYPES)
    return (words(rest) or words(text)), kind


def _line(*parts: str) -> str:
    return ", ".join(p for p in parts if p)


@dataclass(frozen=True)
class OfflineSuggestion(Suggestion):
    """A suggestion of this provider. Our data has no KLADR/FIAS ids, so a town's key is
    its `region|name` (`Place.key`): what the card sends back as `city=`."""

    place_key: str = field(default="", repr=False)

    @property
    def key(self) -> str:
        if self.place_key and not self.street:
            return self.place_key
        return super().key

    def as_dict(self) -> dict:
        data = super().as_dict()
        data.pop("place_key", None)
        return data


def _suggest(
    place: Place | None,
    street: Street | None = None,
    *,
    street_text: str = "",
    house: str = "",
    block_type: str = "",
    block: str = "",
    flat: str = "",
) -> Suggestion:
    street_part = street.with_type if street else street_text
    # no house register: a street is the deepest part this provider can recognise
    level = "street" if street else "city" if place else ""
    city_line = ""
    if place:
        city_line = (
            place.region if place.federal else _line(place.region, f"{place.type} {place.name}")
        )
    house_line = _line(
        f"д {house}" if house else "",
        f"{block_type} {block}" if block else "",
        f"кв {flat}" if flat else "",
    )
    return OfflineSuggestion(
        value=_line(city_line, street_part, house_line),
        level=level,
        region=place.region if place else "",
        district=place.district if place else "",
        city=place.name if place else "",
        city_type=place.type if place else "",
        street=street_part,
        house=house,
        block_type=block_type,
        block=block,
        flat=flat,
        postal_code=place.postal_code if place else "",
        fias_id=None if street_part or not place else place.fias_id or None,
        kladr_id=None if street_part or not place else place.kladr_id or None,
        source="offline",
        place_key=place.key if place else "",
    )


class OfflineProvider:
    name = "offline"

    def __init__(self) -> None:
        self.data = load()

    # --- places
    def places(self, city: str) -> tuple[Place, ...]:
        """A chosen city: its key ("Московская обл|Химки"), or its name (all towns of that
        name)."""
        city = " ".join(city.split())
        if city in self.data.by_key:
            return (self.data.by_key[city],)
        name, _ = _strip_types(words(city), CITY_TYPES)
        return self.data.by_name.get(" ".join(name), ())

    def find_places(self, query: str, limit: int) -> list[Place]:
        q, _ = _strip_types(words(query), CITY_TYPES)
        if not q:
            return []
        joined = " ".join(q)
        found = [
            p
            for p in self.data.places
            if p.words
            and any(w.startswith(q[0]) for w in p.words)
            and _prefixes(q, p.words + p.area_words)
        ]
        found.sort(key=lambda p: (" ".join(p.words) != joined, not p.words[0].startswith(q[0])))
        return found[:limit]

    def suggest_city(self, query: str, limit: int = 10) -> list[Suggestion]:
        return [_suggest(p) for p in self.find_places(query, clamp_limit(limit))]

    # --- streets
    def find_streets(self, places: tuple[Place, ...] | None, text: str) -> list[Street]:
        """Streets named `text` (exact words first; prefixes when nothing is exact), in
        `places` or, with None, anywhere; of the typed street type when that narrows."""
        q, kind = _street_words(text)
        if not q:
            return []
        pool = (
            [s for p in places for s in self.data.streets_of.get(p.key, ())]
            if places is not None
            else list(self.data.streets)
        )
        exact = [s for s in pool if sorted(s.words) == sorted(q)]
        found = exact or [s for s in pool if _prefixes(q, s.words)]
        typed = [s for s in found if s.type == kind]
        found = typed or found
        found.sort(key=lambda s: (not s.words or not s.words[0].startswith(q[0]), s.name))
        return found

    def suggest_street(self, city: str, query: str, limit: int = 10) -> list[Suggestion]:
        places = self.places(city)
        if not places:
            return []
        by_key = self.data.by_key
        streets = self.find_streets(places, query)[: clamp_limit(limit)]
        return [_suggest(by_key[s.city_key], s) for s in streets]

    def suggest_house(
        self, city: str, street: str, query: str, limit: int = 10
    ) -> list[Suggestion]:
        house = parse_house(query)
        places = self.places(city)
        if house is None or not places:
            return []
        known = self.find_streets(places[:1], street) if street else []
        exact = [s for s in known if norm(s.with_type) == norm(street)] or known[:1]
        return [
            _suggest(
                places[0],
                exact[0] if exact else None,
                street_text=street,
                house=house.house,
                block_type=house.block_type,
                block=house.block,
            )
        ]

    # --- a free line
    def _city_in_loose(self, parsed: ParsedLine) -> tuple[tuple[Place, ...], list[str]]:
        """A town named in unlabelled words: a whole segment, or its leading or trailing
        words ("Химки Ленинский"). Returns the towns and the words left over."""
        loose = list(parsed.loose)
        for i, segment in enumerate(loose):
            tokens = segment.split()
            for n in range(min(3, len(tokens)), 0, -1):
                for head, rest in ((tokens[:n], tokens[n:]), (tokens[-n:], tokens[:-n])):
                    found = self.places(" ".join(head))
                    if found:
                        left = loose[:i] + ([" ".join(rest)] if rest else []) + loose[i + 1 :]
                        return found, left
        return (), loose

    def split(self, line: str, limit: int = 10) -> list[Suggestion]:
        parsed = parse_line(line)
        if parsed.city:
            places, loose = self.places(parsed.city), list(parsed.loose)
            if not places:
                places = tuple(self.find_places(parsed.city, 5))
        else:
            places, loose = self._city_in_loose(parsed)
        if parsed.region and places:
            region = words(parsed.region)
            places = tuple(p for p in places if _prefixes(region, p.area_words)) or places
        street_text = parsed.street or " ".join(loose)
        if parsed.street and parsed.street_type:
            street_text = f"{parsed.street_type} {parsed.street}"
        rest = {
            "house": parsed.house,
            "block_type": parsed.block_type,
            "block": parsed.block,
            "flat": parsed.flat,
        }
        by_key = self.data.by_key
        out: list[Suggestion] = []
        if street_text:
            streets = self.find_streets(places or None, street_text)
            streets.sort(key=lambda s: -by_key[s.city_key].population)
            out = [_suggest(by_key[s.city_key], s, **rest) for s in streets]
            if not out:
                out = [_suggest(p, street_text=street_text, **rest) for p in places] or [
                    _suggest(None, street_text=street_text, **rest)
                ]
        elif places:
            out = [_suggest(p, **rest) for p in places]
        if parsed.postal_code:
            out = [replace(s, postal_code=parsed.postal_code) for s in out]
        return out[: clamp_limit(limit)]
