"""Obscene customer names (SPEC COD-19c).

An order whose customer name contains obscene words is spam and is invalidated automatically on
intake; a real name that merely contains a similar substring (Сучкова, Хуснутдинов, Бляхер,
Мандельштам, Олеговна) must never be flagged.

Detection runs the default filter of ``python-obscene-words-filter`` (regular expressions for
Russian obscene roots, with its own good-word exceptions) plus two roots it lacks over normalised
words, one word at a time:

1. characters are folded: lower case, ё→е, і/ї→и, є→е, ў→у; Latin look-alikes, the digits 3/0/6
   and ``@`` become the Cyrillic letters they imitate (``Xyйлo`` → ``хуйло``) in a word that has a
   Cyrillic letter or is made of look-alikes only (``John`` stays Latin); repeated letters are
   squeezed;
2. ``*`` and ``_`` inside a word are dropped (``х*уй``); dots, dashes and other marks split a word
   into parts, which are checked alone and glued (``пиз-да``); runs of single letters are glued
   (``п.и.з.д.а``, and across spaces ``х у й``), but a single letter is never glued to the longer
   word after it, where it is an initial (``Е.Бланк``), and multi-letter words are never glued
   to each other (``Ху Ян`` is a Chinese name, not a word);
3. a part in ``ALLOWED_NAMES`` (real names the filter would flag), or such a name with a
   patronymic or feminine ending, is skipped; a patronymic is checked by the name it is made from.

The library's regular expressions let any non-Cyrillic characters sit between letters, so they are
only ever given one glued word: otherwise they would read across the spaces of a name.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from obscene_words_filter import get_default_filter
from obscene_words_filter.words_filter import ObsceneWordsFilter

__all__ = ["ALLOWED_NAMES", "is_obscene", "normalise"]

# Built once: the library compiles its alternation of patterns per filter.
_FILTER: ObsceneWordsFilter = get_default_filter()

# Roots the library misses (it only knows "охуе-" and "ебёт", and ё is folded to е here):
# "хуе-" (хуесос, хуета) and "-ебет/-ебут" not after a consonant (заебет, but Ребет is a name).
_EXTRA_ROOTS = re.compile(r"хуе|(?<![бвгджзйклмнпрстфхцчшщ])еб[еу]т")

# Real surnames and first names, normalised (lower case, ё→е, і/ї→и, repeated letters squeezed),
# that hold a substring the default filter reads as obscene. Checked per word part, exactly or
# with a patronymic or feminine ending (see _NAME_ENDINGS). Most were found by running the filter
# over the ~73,000 surnames, first names and patronymics of pymorphy3's Russian and Ukrainian
# dictionaries (none of them is flagged with this list).
ALLOWED_NAMES: frozenset[str] = frozenset(
    {
        # "бля"
        "абляз",
        "аблязиз",
        "аблязис",
        "аблязов",
        "абляй",
        "абляким",
        "аблякимов",
        "аблялимов",
        "аблямид",
        "аблямит",
        "аблямитов",
        "абляс",
        "блям",
        "блянская",
        "блянский",
        "бляхер",
        "бумблякевич",
        "горблянська",
        "горблянський",
        "грубляк",
        "дибля",
        "дружбляк",
        "дубляк",
        "леблан",
        "любляна",
        "шкрибляк",
        # "ебан", "ебал", "ебак", "ебл"
        "дечебал",
        "естебан",
        "эстебан",
        "клебан",
        "клебанов",
        "мирзебала",
        "речебакиев",
        "стеблий",
        "стеблина",
        "стеблянко",
        "тебальди",
        "чебан",
        "чебаненко",
        "чебанов",
        "шебалин",
        "шебалинская",
        "шебалинский",
        # "гавн"
        "агавни",
        "агавник",
        # "чмо", "чмы"
        "чмола",
        "чмыхов",
        # "манд"
        "авмандил",
        "аманда",
        "аманджон",
        "амандий",
        "амандип",
        "амандурды",
        "амандык",
        "анаксимандр",
        "арманд",
        "армандо",
        "макдорманд",
        "мандебура",
        "мандела",
        "мандельброт",
        "мандельштам",
        "манджукич",
        "мандзий",
        "мандзюк",
        "мандибура",
        "мандич",
        "мандрик",
        "мандрыгин",
        "рахмонджон",
        "соломандра",
        "усманджон",
        # "монд"
        "армонд",
        "бельмондо",
        "даймонд",
        "десмонд",
        "дезмонд",
        "диамонд",
        "драмонд",
        "едмонд",
        "едмондс",
        "эдмонд",
        "эдмондс",
        "зигмонд",
        "мондриан",
        "мондривський",
        "осмонд",
        "раймонд",
        "раймондас",
        "раймондс",
        "реймонд",
        "ричмонд",
        "салмонд",
        "сисмонди",
        "хамонд",
        "хемонд",
    }
)

# Latin letters, digits and symbols that imitate Cyrillic letters.
_LOOKALIKES = str.maketrans(
    {
        "a": "а",
        "b": "в",
        "c": "с",
        "e": "е",
        "h": "н",
        "k": "к",
        "m": "м",
        "o": "о",
        "p": "р",
        "t": "т",
        "u": "и",
        "x": "х",
        "y": "у",
        "3": "з",
        "0": "о",
        "6": "б",
        "@": "а",
    }
)
# Letters folded in every word: ё and the Ukrainian and Belarusian letters.
_FOLD = str.maketrans({"ё": "е", "і": "и", "ї": "и", "є": "е", "ў": "у", "ґ": "г"})

_CYRILLIC = re.compile(r"[а-яё]")
_LATIN = re.compile(r"[a-z]")
# Marks that only ever mask or stretch a word ("х*уй", "х_у_й"): dropped, never separating.
_GLUE = str.maketrans("", "", "*_")
# What a word part is made of; any other character (dot, dash, apostrophe...) separates parts.
_PART = re.compile(r"(?:[^\W_]|@)+")
_REPEATS = re.compile(r"(\w)\1+")
# A patronymic and the name it is made from (Олеговна ← Олег, Амандьевич ← Амандий).
_PATRONYMIC = re.compile(r"(?P<name>\w{2,}?)(?:ьевич|ьевна|ович|евич|овна|евна|ивна)")
# Endings of a patronymic or a feminine or declined surname, and the endings of the names they
# come from: "Раймондович", "Клебанова" and "Абляевич" are allowed because "раймонд",
# "клебанов" and "абляй" are.
_NAME_ENDINGS = ("ьевич", "ьевна", "ович", "евич", "овна", "евна", "ивна", "ична", "ич", "а", "и")
_NAME_TAILS = ("", "й", "ий", "ь")


def _squeeze(text: str) -> str:
    return _REPEATS.sub(r"\1", text)


def _fold_part(part: str) -> str:
    """One part of a word, folded and squeezed (module docstring, step 1)."""
    lowered = part.lower().translate(_FOLD)
    imitated = lowered.translate(_LOOKALIKES)
    if _CYRILLIC.search(lowered) or not _LATIN.search(imitated):
        lowered = imitated
    return _squeeze("".join(ch for ch in lowered if ch.isalpha()))


def _parts(token: str) -> list[str]:
    return [p for p in map(_fold_part, _PART.findall(token.translate(_GLUE))) if p]


def _token_words(parts: list[str]) -> list[list[str]]:
    """The parts of one white-space token as words. A run of single letters is glued; it stays a
    part of the longer part before it (``пиз-д-а``) but becomes a word of its own before a longer
    part, where it is an initial (``Е.Бланк``)."""
    words: list[list[str]] = []
    current: list[str] = []
    letters: list[str] = []
    for part in [*parts, ""]:
        if len(part) == 1:
            letters.append(part)
            continue
        if letters:
            if current or not part:
                current.append(_squeeze("".join(letters)))
            else:
                words.append([_squeeze("".join(letters))])
            letters = []
        if part:
            current.append(part)
    if current:
        words.append(current)
    return words


def _words(text: str) -> list[list[str]]:
    """The text as words, each a list of its folded parts. Tokens made only of single letters
    are glued to each other across white space (``х у й``), never to a longer word."""
    words: list[list[str]] = []
    letters: list[str] = []
    for token in text.split():
        parts = _parts(token)
        if parts and all(len(p) == 1 for p in parts):
            letters.extend(parts)
            continue
        if letters and parts:
            words.append([_squeeze("".join(letters))])
            letters = []
        words.extend(_token_words(parts))
    if letters:
        words.append([_squeeze("".join(letters))])
    return words


def normalise(text: str) -> str:
    """The name as the detector reads it: lower case, ё→е, look-alikes made Cyrillic, repeated
    letters squeezed, the parts of a word joined without their separators, runs of single letters
    glued, words separated by one space (``"Xyй-лo  Б.Л.Я"`` → ``"хуйло бля"``)."""
    return " ".join("".join(parts) for parts in _words(text))


def _is_allowed(part: str) -> bool:
    if part in ALLOWED_NAMES:
        return True
    return any(
        part.endswith(ending) and part[: -len(ending)] + tail in ALLOWED_NAMES
        for ending in _NAME_ENDINGS
        for tail in _NAME_TAILS
    )


def _as_checked(part: str) -> str:
    """A patronymic is checked by the name it is made from: "Олеговна" holds "говн" only where
    the name "Олег" meets the suffix "-овна". A two-letter name is too short to stand for the
    word, so its female patronymic is checked in the male form (Аговна as Агович)."""
    match = _PATRONYMIC.fullmatch(part)
    if match is None:
        return part
    name = match["name"]
    if len(name) > 2:
        return name
    return part.replace("овна", "ович").replace("евна", "евич").replace("ивна", "ович")


def _candidates(parts: list[str]) -> Iterator[str]:
    """What to check for one word: each part that is not allowed, and each run of two or more
    such parts glued."""
    run: list[str] = []
    for part in [*parts, ""]:
        if part and not _is_allowed(part):
            run.append(part)
            yield _as_checked(part)
            continue
        if len(run) > 1:
            yield _as_checked(_squeeze("".join(run)))
        run = []


def _is_bad(word: str) -> bool:
    if _EXTRA_ROOTS.search(word):
        return True
    return next(_FILTER.find_bad_word_matches_without_good_words(word), None) is not None


def is_obscene(text: str) -> bool:
    """True when the customer name contains an obscene word (SPEC COD-19c)."""
    return any(_is_bad(candidate) for parts in _words(text) for candidate in _candidates(parts))
