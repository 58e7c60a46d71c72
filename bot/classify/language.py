"""Language of a headline, chosen among the languages the bot serves.

Why py3langid: on 117 labelled short headlines (tests/data/headlines_lang.tsv) it scores
the same as lingua's high-accuracy mode within one headline, at half the memory and without
a new dependency (figures in docs/language-choice.md). Headlines are short, so cheap
rules sit around the model:

* a source's fixed language always wins (most sources publish in one language);
* the script rules first: a text without Cyrillic letters is not Ukrainian, a mostly
  Cyrillic one is not English (two-word texts give the model too few n-grams to know);
* Ukrainian and Russian share most letters, but і ї є ґ occur only in Ukrainian and
  ы э ъ ё only in Russian: when only those two remain (or the model picks one of them)
  and only one side's letters occur, they decide, and the model is not even asked;
* the feed's language hint only breaks near-ties, more readily for very short texts,
  because feeds often declare one language for everything they carry.

Cost: the model walks the text byte by byte in Python (~0.1 µs a byte), so only the first
`_MAX_CHARS` characters (the headline and the start of its summary) are read, and its
scores are computed for the candidate languages only, not for all 97 it knows.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Collection, Sequence
from typing import Any

__all__ = ["UNDETERMINED", "detect_language", "load_model"]

UNDETERMINED = "und"
"""ISO 639-2 "undetermined": returned only with no candidates, no hint and no letters."""

_MAX_CHARS = 300  # a headline plus the start of its summary says enough; bounds the cost
_SHORT_LETTERS = 12  # fewer letters than this is "very short": one or two words
_TIE_WEIGHT = 1.25  # the hint wins if its probability x this reaches the best one (~55/45)
_SHORT_WEIGHT = 4.0  # ... and x this for very short texts
_ALIASES = {"ua": "uk"}  # a common mistake in feeds' <language>

_CYRILLIC_LANGUAGES = frozenset({"uk", "ru", "be", "bg", "mk", "kk", "ky", "mn", "tt", "ba"})
_UK_RU = frozenset({"uk", "ru"})
# Cyrillic letters: U+0400-U+052F without the non-letters U+0482-U+0489 (signs, combining marks).
_CYRILLIC = re.compile("[\u0400-\u0481\u048a-\u052f]")
_UK_ONLY = re.compile("[іїєґІЇЄҐ]")
_RU_ONLY = re.compile("[ыэъёЫЭЪЁ]")
_MAX_TABLES = 8  # restricted score tables kept, one per set of candidate languages
_SMALL_SET = 16  # more languages than this are scored from the full table, not a copy

_lock = threading.Lock()
_model: _Model | None = None
_labels: frozenset[str] = frozenset()


class _Model:
    """py3langid's naive Bayes model, scored only for the languages asked about.

    Per-language scores are independent columns of the model, so scoring six columns
    gives the same numbers as scoring all of them and picking six, at a fraction of the
    cost (the full table is float16 and has to be converted on every call).
    """

    def __init__(self) -> None:
        from py3langid.langid import MODEL_FILE, LanguageIdentifier

        identifier = LanguageIdentifier.from_model_file(MODEL_FILE)
        self._nextmove: Any = identifier.tk_nextmove
        self._rowbase = [row << 8 for row in identifier.tk_row]
        self._output: Any = identifier.tk_output
        self._ptc: Any = identifier.nb_ptc  # features x classes
        self._pc: Any = identifier.nb_pc
        columns: dict[str, list[int]] = {}
        for index, label in enumerate(identifier.nb_classes):
            columns.setdefault(str(label), []).append(index)  # aliases (srl -> sr) share a label
        self._columns = columns
        self.labels = frozenset(columns)
        self._tables: dict[tuple[str, ...], tuple[Any, Any, list[tuple[str, int]]]] = {}

    def _table(self, languages: tuple[str, ...]) -> tuple[Any, Any, list[tuple[str, int]]]:
        """(feature table, priors, (label, column) pairs) for `languages`, in model order."""
        table = self._tables.get(languages)
        if table is not None:
            return table
        import numpy as np

        owners = sorted(
            ((lang, col) for lang in languages for col in self._columns.get(lang, ())),
            key=lambda pair: pair[1],
        )
        if len(owners) > _SMALL_SET:
            table = (self._ptc, self._pc, [(lang, col) for lang, col in owners])
        else:
            cols = [col for _, col in owners]
            ptc = np.ascontiguousarray(self._ptc[:, cols], dtype=np.float32)
            table = (ptc, self._pc[cols], [(lang, i) for i, (lang, _) in enumerate(owners)])
        if len(self._tables) >= _MAX_TABLES:
            self._tables.clear()
        self._tables[languages] = table
        return table

    def scores(self, text: str, languages: Sequence[str]) -> list[tuple[str, float]]:
        """Raw log scores of `languages`, best first (model order breaks ties); [] if none."""
        import numpy as np
        from py3langid.langid import visit_counts

        if text.isupper():  # as py3langid does: the model was trained on mixed case
            text = text.lower()
        data = unicodedata.normalize("NFC", text).encode("utf-8", "surrogatepass")
        visits = visit_counts(self._nextmove, self._rowbase, self._output, data)
        if not visits:
            return []
        ptc, pc, owners = self._table(tuple(sorted(set(languages))))
        idx = np.fromiter(visits.keys(), dtype=np.intp, count=len(visits))
        counts = np.fromiter(visits.values(), dtype=np.float32, count=len(visits))
        raw = (np.log1p(counts) @ ptc[idx] + pc).tolist()
        best: dict[str, float] = {}
        for lang, col in owners:
            score = float(raw[col])
            if lang not in best or score > best[lang]:
                best[lang] = score
        return sorted(best.items(), key=lambda pair: pair[1], reverse=True)


def load_model() -> None:
    """Load the model now (about 1 s, ~90 MB) instead of on the first detection.

    Thread-safe; call it from a worker thread at startup so no event loop stalls later.
    """
    global _model, _labels
    if _model is not None:
        return
    with _lock:
        if _model is None:
            model = _Model()
            _labels = model.labels
            _model = model


def _code(code: str | None) -> str:
    """`uk-UA`, `UK`, `ua` -> `uk`; empty stays empty."""
    if not code:
        return ""
    base = code.strip().lower().replace("_", "-").split("-", 1)[0]
    return _ALIASES.get(base, base)


def _probabilities(text: str, languages: Sequence[str]) -> dict[str, float]:
    """Model probabilities restricted to `languages`.

    Softmax over the raw scores of just these languages, with the model's own temperature
    (square root of the byte length), so restricting never underflows to all zeros.
    """
    assert _model is not None
    ranked = _model.scores(text, languages)
    if not ranked:
        return {}
    top = ranked[0][1]
    if all(score == top for _, score in ranked):
        return {}  # no features at all (digits, punctuation): the model cannot tell
    temperature = math.sqrt(len(text.encode("utf-8", "surrogatepass")) or 1)
    weights = {lang: math.exp((score - top) / temperature) for lang, score in ranked}
    total = sum(weights.values())
    return {lang: weight / total for lang, weight in weights.items()}


def _plausible(sample: str, letters: int, languages: list[str]) -> list[str]:
    """Drop candidates written in the wrong script: `Sport` is not Ukrainian, `Спорт` not English.

    Short texts carry few n-grams and the model then leans on noise, so the script decides
    first: no Cyrillic letters rules out Cyrillic languages, mostly Cyrillic rules out the rest.
    An empty result means no rule applied (unknown scripts are left to the model).
    """
    if _CYRILLIC.search(sample) is None:
        kept = [lang for lang in languages if lang not in _CYRILLIC_LANGUAGES]
    elif _CYRILLIC.subn("", sample)[1] * 2 > letters:
        kept = [lang for lang in languages if lang in _CYRILLIC_LANGUAGES]
    else:
        kept = languages
    return kept or languages


def _letter_cue(text: str) -> str | None:
    """`uk` or `ru` when only that language's distinctive letters occur, else None."""
    uk = _UK_ONLY.search(text) is not None
    ru = _RU_ONLY.search(text) is not None
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
    letters = sum(map(str.isalpha, sample))
    if not letters:
        return fallback
    try:
        load_model()
        known = [c for c in cands if c in _labels] if cands else sorted(_labels)
        if not known:
            return fallback
        plausible = _plausible(sample, letters, known)
        if cands and len(plausible) == 1:
            return plausible[0]  # what the model would answer too, whatever its scores
        if _UK_RU.issuperset(plausible):
            cue = _letter_cue(sample)
            if cue in plausible:
                return cue  # the model can only pick uk or ru here, and the letters overrule it
        probs = _probabilities(sample, plausible)
    except Exception:  # a detector bug must not lose the item; the fallback is still useful
        return fallback
    if not probs:
        if fallback in plausible or not cands:
            return fallback
        return hint_code if hint_code in plausible else plausible[0]
    best = max(probs, key=lambda lang: probs[lang])
    if best in _UK_RU:
        cue = _letter_cue(sample)
        if cue is not None and cue in probs:
            return cue
    if hint_code in probs and hint_code != best:
        weight = _SHORT_WEIGHT if letters < _SHORT_LETTERS else _TIE_WEIGHT
        if probs[hint_code] * weight >= probs[best]:
            return hint_code
    return best
