"""Language of a headline, chosen among the languages the bot serves.

Why py3langid: on 117 labelled short headlines (tests/data/headlines_lang.tsv) it scores
the same as lingua's high-accuracy mode within one headline, at half the memory and without
a new dependency (figures in .notes/language-choice.md). Headlines are short, so three cheap
rules sit around the model:

* a source's fixed language always wins (most sources publish in one language);
* the script rules first: a text without Cyrillic letters is not Ukrainian, a mostly
  Cyrillic one is not English (two-word texts give the model too few n-grams to know);
* Ukrainian and Russian share most letters, but і ї є ґ occur only in Ukrainian and
  ы э ъ ё only in Russian: when the model picks one of the two and only one side's
  letters occur, they decide;
* the feed's language hint only breaks near-ties, more readily for very short texts,
  because feeds often declare one language for everything they carry.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Collection
from typing import Any

__all__ = ["UNDETERMINED", "detect_language", "load_model"]

UNDETERMINED = "und"
"""ISO 639-2 "undetermined": returned only with no candidates, no hint and no letters."""

_MAX_CHARS = 1000  # a headline plus the start of its summary says enough; bounds the cost
_SHORT_LETTERS = 12  # fewer letters than this is "very short": one or two words
_TIE_WEIGHT = 1.25  # the hint wins if its probability x this reaches the best one (~55/45)
_SHORT_WEIGHT = 4.0  # ... and x this for very short texts
_ALIASES = {"ua": "uk"}  # a common mistake in feeds' <language>

_CYRILLIC_LANGUAGES = frozenset({"uk", "ru", "be", "bg", "mk", "kk", "ky", "mn", "tt", "ba"})
_UK_ONLY = frozenset("іїєґ")
_RU_ONLY = frozenset("ыэъё")

_lock = threading.Lock()
_identifier: Any = None
_labels: frozenset[str] = frozenset()


def load_model() -> None:
    """Load the model now (about 1 s, ~90 MB) instead of on the first detection.

    Thread-safe; call it from a worker thread at startup so no event loop stalls later.
    """
    global _identifier, _labels
    if _identifier is not None:
        return
    with _lock:
        if _identifier is None:
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
            _labels = frozenset(str(label) for label in identifier.labels)
            _identifier = identifier


def _code(code: str | None) -> str:
    """`uk-UA`, `UK`, `ua` -> `uk`; empty stays empty."""
    if not code:
        return ""
    base = code.strip().lower().replace("_", "-").split("-", 1)[0]
    return _ALIASES.get(base, base)


def _probabilities(text: str, languages: Collection[str]) -> dict[str, float]:
    """Model probabilities restricted to `languages`.

    Softmax over the raw scores of just these languages, with the model's own temperature
    (square root of the byte length), so restricting never underflows to all zeros.
    """
    ranked: list[tuple[str, float]] = [
        (str(lang), float(score)) for lang, score in _identifier.rank(text)
    ]
    ranked = [(lang, score) for lang, score in ranked if lang in languages]
    if not ranked:
        return {}
    top = ranked[0][1]
    if all(score == top for _, score in ranked):
        return {}  # no features at all (digits, punctuation): the model cannot tell
    temperature = math.sqrt(len(text.encode("utf-8", "surrogatepass")) or 1)
    weights = {lang: math.exp((score - top) / temperature) for lang, score in ranked}
    total = sum(weights.values())
    return {lang: weight / total for lang, weight in weights.items()}


def _is_cyrillic(ch: str) -> bool:
    return "\u0400" <= ch <= "\u052f"


def _plausible(sample: str, languages: list[str]) -> list[str]:
    """Drop candidates written in the wrong script: `Sport` is not Ukrainian, `Спорт` not English.

    Short texts carry few n-grams and the model then leans on noise, so the script decides
    first: no Cyrillic letters rules out Cyrillic languages, mostly Cyrillic rules out the rest.
    An empty result means no rule applied (unknown scripts are left to the model).
    """
    letters = [ch for ch in sample if ch.isalpha()]
    cyrillic = sum(map(_is_cyrillic, letters))
    if cyrillic == 0:
        kept = [lang for lang in languages if lang not in _CYRILLIC_LANGUAGES]
    elif cyrillic * 2 > len(letters):
        kept = [lang for lang in languages if lang in _CYRILLIC_LANGUAGES]
    else:
        kept = languages
    return kept or languages


def _letter_cue(text: str) -> str | None:
    """`uk` or `ru` when only that language's distinctive letters occur, else None."""
    lowered = text.lower()
    uk = any(ch in _UK_ONLY for ch in lowered)
    ru = any(ch in _RU_ONLY for ch in lowered)
    if uk != ru:
        return "uk" if uk else "ru"
    return None


def detect_language(
    text: str,
    candidates: Collection[str],
    *,
    fixed: str | None = None,
    hint: str | None = None,
) -> str:
    """The language of `text` (a headline, optionally followed by its summary).

    `fixed` (the source's configured language) wins outright. Otherwise the answer is one
    of `candidates` (empty = any language the model knows); `hint` (the feed's declared
    language) only breaks near-ties. Never raises: with nothing to go on it returns the
    hint if it is a candidate, else the first candidate, else `hint` or "und".
    Codes are ISO 639-1 (`uk`, `en`); `uk-UA` and `ua` are understood as `uk`.
    """
    fixed_code = _code(fixed)
    if fixed_code:
        return fixed_code
    cands = list(dict.fromkeys(c for c in map(_code, candidates) if c))
    hint_code = _code(hint)
    if cands:
        fallback = hint_code if hint_code in cands else cands[0]
    else:
        fallback = hint_code or UNDETERMINED
    if len(cands) == 1:
        return cands[0]
    sample = text[:_MAX_CHARS]
    letters = sum(ch.isalpha() for ch in sample)
    if not letters:
        return fallback
    try:
        load_model()
        known = [c for c in cands if c in _labels] if cands else sorted(_labels)
        if not known:
            return fallback
        plausible = _plausible(sample, known)
        probs = _probabilities(sample, plausible)
    except Exception:  # a detector bug must not lose the item; the fallback is still useful
        return fallback
    if not probs:
        if fallback in plausible or not cands:
            return fallback
        return hint_code if hint_code in plausible else plausible[0]
    best = max(probs, key=lambda lang: probs[lang])
    if best in ("uk", "ru"):
        cue = _letter_cue(sample)
        if cue is not None and cue in probs:
            return cue
    if hint_code in probs and hint_code != best:
        weight = _SHORT_WEIGHT if letters < _SHORT_LETTERS else _TIE_WEIGHT
        if probs[hint_code] * weight >= probs[best]:
            return hint_code
    return best
