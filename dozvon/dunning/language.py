"""DUN-6: which language an operator's comment is written in. Pure: no ORM, no I/O.

lingua-language-detector restricted to Russian, Ukrainian and English, default (high
accuracy) mode, with a minimum relative distance of 0.25 (STACK-NOTES: without it "не
берет трубку" scores Ukrainian); an undetermined result is "unknown, allowed". Around it,
three plain checks that lingua cannot do reliably:

- no letters at all (a date, digits, "…") → undetermined;
- mostly Latin letters in two words or more → Russian in Latin letters (translit, "ne
  beret trubku") or English: both refused as "write in Cyrillic"; one Latin word ("ok",
  "Skype") is too short to judge;
- a letter only Russian has (ы э ъ ё) and none only Ukrainian has (і ї є ґ) → Russian
  without asking lingua; one Cyrillic word without a Ukrainian letter counts as
  Ukrainian only when lingua is sure of it (operators' jargon such as "недозвон" and
  "передумал" scored Ukrainian at 0.65–0.7, "зайнято" at 0.97).

The detector holds about 28 MB of language models, so it is built once per process, on
first use (a lazy module-level singleton), never per call.
"""

from __future__ import annotations

import re
import threading

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

RUSSIAN, UKRAINIAN, ENGLISH, LATIN, UNKNOWN = "ru", "uk", "en", "latin", ""
_CODES = {Language.RUSSIAN: RUSSIAN, Language.UKRAINIAN: UKRAINIAN, Language.ENGLISH: ENGLISH}
MIN_RELATIVE_DISTANCE = 0.25
# one Cyrillic word without a Ukrainian letter is Ukrainian only at this confidence or above
ONE_WORD_CONFIDENCE = 0.9

_WORD = re.compile(r"[^\W\d_]+")  # a run of letters, any script
_LATIN = re.compile(r"[A-Za-z]")
_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_ONLY_RUSSIAN = frozenset("ыэъё")
_ONLY_UKRAINIAN = frozenset("іїєґ")

_lock = threading.Lock()
_detector: LanguageDetector | None = None


def detector() -> LanguageDetector:
    """The process's one detector, built on first use."""
    global _detector
    if _detector is None:
        with _lock:
            if _detector is None:
                _detector = (
                    LanguageDetectorBuilder.from_languages(*_CODES)
                    .with_minimum_relative_distance(MIN_RELATIVE_DISTANCE)
                    .build()
                )
    return _detector


def comment_language(text: str) -> str:
    """The comment's language: ru, uk, en, "latin" (mostly Latin letters: translit or
    English), or "" when it is too short or too ambiguous to tell."""
    words = _WORD.findall(text or "")
    if not words:
        return UNKNOWN
    latin = len(_LATIN.findall(text))
    cyrillic = len(_CYRILLIC.findall(text))
    if latin > cyrillic:
        return LATIN if len(words) >= 2 else UNKNOWN
    letters = set(text.lower())
    ukrainian_letters = bool(letters & _ONLY_UKRAINIAN)
    if letters & _ONLY_RUSSIAN and not ukrainian_letters:
        return RUSSIAN
    found = detector().detect_language_of(text)
    if found is None:
        return UNKNOWN
    code = _CODES[found]
    if code == UKRAINIAN and len(words) == 1 and not ukrainian_letters:
        sure = detector().compute_language_confidence(text, Language.UKRAINIAN)
        return code if sure >= ONE_WORD_CONFIDENCE else UNKNOWN
    return code
