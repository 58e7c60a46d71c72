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

Cost (bench/classify.py, 2 cores): ~10 µs for a Ukrainian or Russian headline with its
summary, which the script and letter rules settle without the model; ~38 µs for an English
one, mostly the model's walk over the text, byte by byte in Python (~0.1 µs a byte). So:
letters are counted on UTF-8 bytes, not character by character; candidates are normalised
once per candidates tuple; the model reads only the first `_MAX_CHARS` characters (the
headline and the start of its summary), of a text without Cyrillic letters only the first
`_LATIN_MODEL_CHARS` (the labelled headlines, alone or followed by a summary in their
language, come out the same from 80 characters up to 300); and it scores the candidate
languages only, not all 97 it knows.
"""

from __future__ import annotations

import math
import re
import threading
import unicodedata
from collections.abc import Collection
from functools import lru_cache
from typing import Any, NamedTuple

__all__ = ["UNDETERMINED", "detect_language", "load_model"]

UNDETERMINED = "und"
"""ISO 639-2 "undetermined": returned only with no candidates, no hint and no letters."""

_MAX_CHARS = 300  # a headline plus the start of its summary says enough; bounds the cost
_LATIN_MODEL_CHARS = 150  # ... of which the model reads this much of a text without Cyrillic
_SHORT_LETTERS = 12  # fewer letters than this is "very short": one or two words
_TIE_WEIGHT = 1.25  # the hint wins if its probability x this reaches the best one (~55/45)
_SHORT_WEIGHT = 4.0  # ... and x this for very short texts
_ALIASES = {"ua": "uk"}  # a common mistake in feeds' <language>

_CYRILLIC_LANGUAGES = frozenset({"uk", "ru", "be", "bg", "mk", "kk", "ky", "mn", "tt", "ba"})
_UK_RU = frozenset({"uk", "ru"})
# Cyrillic letters: U+0400-U+052F without the non-letters U+0482-U+0489 (signs, combining marks).
_CYRILLIC_LETTERS = "\u0400-\u0481\u048a-\u052f"
# What `_letters` asks about one by one: non-ASCII characters other than Cyrillic letters.
_ODD = re.compile(f"[^\\x00-\\x7f{_CYRILLIC_LETTERS}]+")
_CYRILLIC_BLOCK = re.compile("[\u0400-\u053f]")  # the characters of UTF-8 lead bytes D0-D4
_CYRILLIC_LEADS = bytes(range(0xD0, 0xD5))
_NOT_ASCII_LETTERS = bytes(b for b in range(256) if not chr(b).isascii() or not chr(b).isalpha())
_UK_ONLY = re.compile("[іїєґІЇЄҐ]")
_RU_ONLY = re.compile("[ыэъёЫЭЪЁ]")
_MAX_TABLES = 8  # restricted score tables kept, one per set of candidate languages
_SMALL_SET = 16  # more languages than this are scored from the full table, not a copy
_MAX_CANDIDATE_SETS = 64  # candidate collections whose processing is kept

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
        import numpy
        from py3langid.langid import MODEL_FILE, LanguageIdentifier, visit_counts

        self._np: Any = numpy  # imported here, not per call (~1 µs) nor with the module
        self._visit_counts: Any = visit_counts
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

    def scores(self, text: str, languages: tuple[str, ...]) -> list[tuple[str, float]]:
        """Raw log scores of `languages` (sorted, distinct), best first (model order breaks
        ties); [] if the text has no features."""
        np = self._np
        if text.isupper():  # as py3langid does: the model was trained on mixed case
            text = text.lower()
        data = unicodedata.normalize("NFC", text).encode("utf-8", "surrogatepass")
        visits = self._visit_counts(self._nextmove, self._rowbase, self._output, data)
        if not visits:
            return []
        ptc, pc, owners = self._table(languages)
        idx = np.fromiter(visits, dtype=np.intp, count=len(visits))
        counts = np.fromiter(visits.values(), dtype=np.float32, count=len(visits))
        raw = (np.log1p(counts) @ ptc.take(idx, axis=0) + pc).tolist()
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


@lru_cache(maxsize=256)
def _code(code: str | None) -> str:
    """`uk-UA`, `UK`, `ua` -> `uk`; empty stays empty."""
    if not code:
        return ""
    base = code.strip().lower().replace("_", "-").split("-", 1)[0]
    return _ALIASES.get(base, base)


_codes_of: dict[tuple[str, ...], tuple[str, ...]] = {}


def _codes(candidates: Collection[str]) -> tuple[str, ...]:
    """The candidates as distinct codes, in order.

    Computed once per candidates tuple: the pipeline passes the same one for every item.
    """
    key = candidates if isinstance(candidates, tuple) else tuple(candidates)
    codes = _codes_of.get(key)
    if codes is None:
        codes = tuple(dict.fromkeys(c for c in map(_code, key) if c))
        if len(_codes_of) >= _MAX_CANDIDATE_SETS:
            _codes_of.clear()
        _codes_of[key] = codes
    return codes


class _Group(NamedTuple):
    """Languages the model chooses among, for one script situation."""

    languages: tuple[str, ...]  # in candidate order (the model's order if any language)
    table: tuple[str, ...]  # sorted: the key of the model's restricted table
    uk_ru: bool  # only uk and/or ru: the distinctive letters may decide


class _Groups(NamedTuple):
    """The known candidates the model may choose among, by the text's script (`_groups`)."""

    latin: _Group  # the text has no Cyrillic letter
    cyrillic: _Group  # more than half of its letters are Cyrillic
    mixed: _Group  # otherwise


def _group(languages: list[str]) -> _Group:
    return _Group(tuple(languages), tuple(sorted(set(languages))), _UK_RU.issuperset(languages))


@lru_cache(maxsize=_MAX_CANDIDATE_SETS)
def _groups(codes: tuple[str, ...]) -> _Groups | None:
    """The model-known candidates split by script; None if the model knows none of them.

    Drop candidates written in the wrong script: `Sport` is not Ukrainian, `Спорт` not
    English. Short texts carry few n-grams and the model then leans on noise, so the
    script decides first: no Cyrillic letters rules out Cyrillic languages, mostly Cyrillic
    rules out the rest. When no candidate is left the rule does not apply.
    """
    known = [c for c in codes if c in _labels] if codes else sorted(_labels)
    if not known:
        return None
    latin = [lang for lang in known if lang not in _CYRILLIC_LANGUAGES] or known
    cyrillic = [lang for lang in known if lang in _CYRILLIC_LANGUAGES] or known
    return _Groups(_group(latin), _group(cyrillic), _group(known))


def _letters(sample: str) -> tuple[int, int]:
    """(letters, Cyrillic letters) in `sample`: `str.isalpha` ones, and of those U+0400-U+052F.

    Counted on bytes, ~10x cheaper than a Python call or a regex substitution per character:
    ASCII letters are what survives deleting every other byte, and each character of
    U+0400-U+053F has one UTF-8 lead byte D0-D4. Only the non-ASCII characters that are
    not Cyrillic letters (dashes, quotes, accented Latin: few in our texts) are asked one
    by one, which also takes the few non-letters of U+0400-U+053F off the Cyrillic count.
    """
    data = sample.encode("utf-8", "surrogatepass")
    ascii_letters = len(data.translate(None, _NOT_ASCII_LETTERS))
    if sample.isascii():
        return ascii_letters, 0
    cyrillic = len(data) - len(data.translate(None, _CYRILLIC_LEADS))
    odd = "".join(_ODD.findall(sample))
    if not odd:
        return ascii_letters + cyrillic, cyrillic
    cyrillic -= len(_CYRILLIC_BLOCK.findall(odd))
    return ascii_letters + cyrillic + sum(map(str.isalpha, odd)), cyrillic


def _probabilities(text: str, group: _Group) -> dict[str, float]:
    """Model probabilities restricted to the group's languages.

    Softmax over the raw scores of just these languages, with the model's own temperature
    (square root of the byte length), so restricting never underflows to all zeros.
    """
    assert _model is not None
    ranked = _model.scores(text, group.table)
    if not ranked:
        return {}
    top = ranked[0][1]
    if all(score == top for _, score in ranked):
        return {}  # no features at all (digits, punctuation): the model cannot tell
    temperature = math.sqrt(len(text.encode("utf-8", "surrogatepass")) or 1)
    weights = {lang: math.exp((score - top) / temperature) for lang, score in ranked}
    total = sum(weights.values())
    return {lang: weight / total for lang, weight in weights.items()}


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
    cands = _codes(candidates)
    hint_code = _code(hint)
    if cands:
        fallback = hint_code if hint_code in cands else cands[0]
    else:
        fallback = hint_code or UNDETERMINED
    if len(cands) == 1:
        return cands[0]
    sample = text[:_MAX_CHARS]
    letters, cyrillic = _letters(sample)
    if not letters:
        return fallback
    try:
        load_model()
        groups = _groups(cands)
        if groups is None:
            return fallback
        if not cyrillic:
            group = groups.latin
        elif cyrillic * 2 > letters:
            group = groups.cyrillic
        else:
            group = groups.mixed
        plausible = group.languages
        if cands and len(plausible) == 1:
            return plausible[0]  # what the model would answer too, whatever its scores
        if group.uk_ru:
            cue = _letter_cue(sample)
            if cue in plausible:
                return cue  # the model can only pick uk or ru here, and the letters overrule it
        probs = _probabilities(sample if cyrillic else sample[:_LATIN_MODEL_CHARS], group)
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
