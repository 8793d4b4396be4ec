"""Reading a Russian address typed on one line (COD-12, SHOP-7): pure functions, no I/O.

`parse_line("г. Москва, ул. Ленина, д. 32, кв. 5")` and `parse_line("Ленина 32 корп 2 кв 17")`
return the parts the operator wrote, labelled by the markers they used ("г", "ул", "д",
"корп", "кв" …). What carries no marker (a bare "Ленина", "Химки Ленинский") is kept in
`loose`: only a provider that knows the place names can tell a town from a street.

A number right after a street name is the house ("Ленина 32"), unless a word follows it
("8 Марта 5": "8" belongs to the street). The block is never read from the house number:
"32 корп 2" is house 32, block 2 (STACK-NOTES: a common parser reads корпус=32 there).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Street types as operators type them → the short form DaData writes.
STREET_TYPES: dict[str, str] = {
    "ул": "ул",
    "улица": "ул",
    "пр-кт": "пр-кт",
    "пр-т": "пр-кт",
    "просп": "пр-кт",
    "проспект": "пр-кт",
    "пер": "пер",
    "переулок": "пер",
    "б-р": "б-р",
    "бул": "б-р",
    "бульвар": "б-р",
    "ш": "ш",
    "шоссе": "ш",
    "пл": "пл",
    "площадь": "пл",
    "наб": "наб",
    "набережная": "наб",
    "проезд": "проезд",
    "пр-д": "проезд",
    "мкр": "мкр",
    "микрорайон": "мкр",
    "туп": "туп",
    "тупик": "туп",
    "аллея": "аллея",
    "линия": "линия",
    "тракт": "тракт",
}
CITY_TYPES: dict[str, str] = {
    "г": "г",
    "гор": "г",
    "город": "г",
    "пгт": "пгт",
    "пос": "п",
    "поселок": "п",
    "село": "с",
    "дер": "д",
    "деревня": "д",
}
REGION_TYPES = frozenset({"обл", "область", "край", "респ", "республика", "ао", "аобл"})
DISTRICT_TYPES = frozenset({"р-н", "район", "го", "у"})
HOUSE_MARKERS = frozenset({"д", "дом"})
BLOCK_MARKERS: dict[str, str] = {
    "к": "корп",
    "корп": "корп",
    "корпус": "корп",
    "стр": "стр",
    "строение": "стр",
}
FLAT_MARKERS = frozenset({"кв", "квартира", "оф", "офис", "пом", "помещение"})
VALUE_MARKERS = HOUSE_MARKERS | BLOCK_MARKERS.keys() | FLAT_MARKERS

_HOUSE = re.compile(
    r"^(?P<house>\d{1,4}[а-я]?(?:/\d{1,4}[а-я]?)?)"
    r"(?:(?P<bt>к|корп)(?P<block>\d{1,3}[а-я]?))?"
    r"(?:(?:с|стр)(?P<building>\d{1,3}[а-я]?))?$"
)
_GLUED = re.compile(r"^(д|дом|кв|корп|к|стр)\.?(\d.*)$")
_NUMBER = re.compile(r"^\d{1,4}[а-я]?(?:/\d{1,4}[а-я]?)?$")
_POSTAL = re.compile(r"^\d{6}$")
_WORD = re.compile(r"[0-9a-zа-я]+")


def norm(text: str) -> str:
    """Lower case, ё → е, spaces squeezed: the form every comparison uses."""
    return " ".join(text.lower().replace("ё", "е").split())


def words(text: str) -> list[str]:
    """The words of `text` for matching: "Ростов-на-Дону" → ростов, на, дону."""
    return _WORD.findall(norm(text))


def _key(token: str) -> str:
    return norm(token).rstrip(".")


@dataclass(frozen=True)
class House:
    house: str
    block_type: str = ""  # "корп" | "стр"
    block: str = ""


def parse_house(text: str) -> House | None:
    """ "32", "32а", "32/2", "32к2", "32 корп 2", "д. 32 стр 1" → House; anything else → None."""
    parsed = parse_line(text)
    if not parsed.house or parsed.loose or parsed.street or parsed.city or parsed.unparsed:
        return None
    return House(parsed.house, parsed.block_type, parsed.block)


@dataclass(frozen=True)
class ParsedLine:
    postal_code: str = ""
    region: str = ""
    district: str = ""
    city: str = ""
    city_type: str = ""
    street_type: str = ""
    street: str = ""
    house: str = ""
    block_type: str = ""
    block: str = ""
    flat: str = ""
    loose: tuple[str, ...] = ()  # unlabelled words, segment by segment
    unparsed: tuple[str, ...] = ()  # numbers that fit no part


def _tokens(segment: str) -> list[str]:
    out: list[str] = []
    for raw in segment.replace(".", ". ").split():
        glued = _GLUED.match(norm(raw))
        if glued and not _HOUSE.match(norm(raw)):
            out += [glued.group(1), glued.group(2)]
        else:
            out.append(raw)
    return out


class _Reader:
    def __init__(self) -> None:
        self.parts: dict[str, str] = {}
        self.loose: list[str] = []
        self.unparsed: list[str] = []

    def put(self, field: str, value: str) -> None:
        value = value.strip(" .")
        if not value:
            return
        if self.parts.get(field):
            self.unparsed.append(value)
        else:
            self.parts[field] = value

    def put_house(self, token: str) -> bool:
        match = _HOUSE.match(_key(token))
        if not match:
            return False
        if self.parts.get("house"):
            self.unparsed.append(token)
            return True
        self.put("house", match.group("house"))
        if match.group("block"):  # "32к2с1": DaData writes block "2 стр 1" too
            building = match.group("building")
            self.put("block_type", "корп")
            self.put("block", match.group("block") + (f" стр {building}" if building else ""))
        elif match.group("building"):
            self.put("block_type", "стр")
            self.put("block", match.group("building"))
        return True

    def flush(self, label: str | None, collected: list[str]) -> None:
        text = " ".join(collected).strip(" .")
        if not text:
            return
        if label is None:
            self.loose.append(text)
        else:
            self.put(label, text)

    def segment(self, segment: str) -> None:
        tokens = _tokens(segment)
        label: str | None = None
        collected: list[str] = []
        i = 0
        while i < len(tokens):
            token, key = tokens[i], _key(tokens[i])
            after = _key(tokens[i + 1]) if i + 1 < len(tokens) else None
            if key in VALUE_MARKERS and after is not None and _value_fits(key, after):
                self.flush(label, collected)
                label, collected = None, []
                if key in HOUSE_MARKERS:
                    self.put_house(tokens[i + 1])
                elif key in FLAT_MARKERS:
                    self.put("flat", tokens[i + 1])
                else:
                    self.put("block_type", BLOCK_MARKERS[key])
                    self.put("block", tokens[i + 1])
                i += 2
                continue
            if _POSTAL.match(key) and not collected and not self.parts.get("postal_code"):
                self.put("postal_code", key)
                i += 1
                continue
            if _HOUSE.match(key) and (
                collected or after is None or after in VALUE_MARKERS or _HOUSE.match(after)
            ):
                self.flush(label, collected)
                label, collected = None, []
                self.put_house(token)
                i += 1
                continue
            marker = _marker(key)
            if marker and (collected or after is not None):
                field, kind = marker
                if collected and label is None:  # postfix type: "Тверская ул", "Московская обл"
                    self.flush(field, collected)
                    if kind:
                        self.put(f"{field}_type", kind)
                    collected = []
                else:
                    self.flush(label, collected)
                    collected, label = [], field
                    if kind:
                        self.put(f"{field}_type", kind)
                i += 1
                continue
            collected.append(token)
            i += 1
        self.flush(label, collected)


def _value_fits(marker: str, value: str) -> bool:
    return bool((_HOUSE if marker in HOUSE_MARKERS else _NUMBER).match(value))


def _marker(key: str) -> tuple[str, str] | None:
    if key in STREET_TYPES:
        return "street", STREET_TYPES[key]
    if key in CITY_TYPES:
        return "city", CITY_TYPES[key]
    if key in REGION_TYPES:
        return "region", ""
    if key in DISTRICT_TYPES:
        return "district", ""
    return None


def parse_line(line: str) -> ParsedLine:
    """Split a free-text address into labelled parts (see the module docstring)."""
    reader = _Reader()
    for segment in line.replace(";", ",").split(","):
        reader.segment(segment)
    return ParsedLine(**reader.parts, loose=tuple(reader.loose), unparsed=tuple(reader.unparsed))
