"""What a headline is about, reduced to stems, names and numbers, for same-story matching.

Outlets paraphrase: different word order, different endings (Ukrainian declension, English
plurals and tenses). Those differences must not matter, so words are reduced to short stems.
What must matter is a different place, person, weapon or number in the same template
("drone attack on Kharkiv injures 5" vs "... on Odesa injures 5"): a character-level ratio
scores such pairs higher than real paraphrases, so names and numbers are kept apart and
checked for conflicts separately (see `bot.digest.group`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import parse_qsl, urlencode, urlsplit

STEM_LENGTH = 6
MAX_CHARS = 400
"""Only the start of a title is read: beyond it a feed is sending its article, not a title."""
MIN_PREFIX = 4
"""Two stems match when equal or when one starts the other and is at least this long."""

_APOSTROPHES = "'’ʼ`´"
_WORD = re.compile(r"\w+(?:[-'’ʼ`´]\w+)*")
# 5, 16th, 1990s, 16-й (hyphen already removed), 30-ти
_NUMBER = re.compile(r"(\d+)(?:st|nd|rd|th|s|й|го|му|ма|та|ти|х|і|ї)?")
_DIGIT_GROUP = re.compile(r"(?<=\d)[\s,.\u00a0\u202f](?=\d{3}\b)")


def _words(text: str) -> list[str]:
    return text.split()


_STOPWORDS = frozenset(
    _words(
        """
    a an the in on at to of for and or with by from as is are was were be been being has have
    had will would can could may might not no after before over under amid against about into
    up out off than then this that these those it its their his her they he she we you i our
    new says said say tells told report reports reportedly via more also just now amid vs
    і й та у в з із зі зо на до для про що як це не ні від за по при під над через після щодо
    унаслідок внаслідок
    його її їх їхні вже ще а але чи або бо же ж також тож між поки коли де хто який яка яке які
    був була було були буде будуть є має мають ми ви вони він вона воно нас вас їм свій своє
    """
    )
)

_NUMBER_WORDS: dict[str, str] = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "dozen": "12",
    **dict.fromkeys(("один", "одна", "одне", "одного", "одну"), "1"),
    **dict.fromkeys(("два", "дві", "двоє", "двох", "двом"), "2"),
    **dict.fromkeys(("три", "троє", "трьох", "трьом"), "3"),
    **dict.fromkeys(("чотири", "четверо", "чотирьох", "чотирьом"), "4"),
    **dict.fromkeys(("пять", "пятеро", "пятьох", "пятьом"), "5"),
    **dict.fromkeys(("шість", "шестеро", "шістьох", "шести"), "6"),
    **dict.fromkeys(("сім", "семеро", "сімох", "семи"), "7"),
    **dict.fromkeys(("вісім", "восьмеро", "вісьмох", "восьми"), "8"),
    **dict.fromkeys(("девять", "девятеро", "девятьох", "девяти"), "9"),
    **dict.fromkeys(("десять", "десятеро", "десятьох", "десяти"), "10"),
}

# Ukrainian inflectional endings, longest first; stripped once, keeping a stem of 3+ letters.
_UK_ENDINGS = tuple(
    sorted(
        _words(
            """
        ами ями ові еві єві ого ього ому ьому ими іми ій ий ої их іх ом ем єм ою ею єю ам ям ах
        ях ів їв ії ія ію ює ує ать ять ити ати іти ли ла ло ти а я у ю і и о е ь ї є й
        """
        ),
        key=len,
        reverse=True,
    )
)
_UK_VOWELS = frozenset("аеєиіїоуюяь")
_EN_SUFFIXES = ("ing", "ed", "es", "s")
_TRACKING_PARAMS = frozenset({"fbclid", "gclid", "yclid", "mc_cid", "mc_eid", "ref", "cmpid"})


@dataclass(frozen=True, slots=True)
class Headline:
    """A headline's content stems in order, and which of them are names or numbers."""

    stems: tuple[str, ...]
    names: frozenset[str]  # capitalised words, acronyms, model numbers (F-16)
    numbers: frozenset[str]  # plain numbers, number words as digits
    stem_set: frozenset[str] = frozenset()
    prefixable: tuple[str, ...] = ()  # stems that may match another by prefix

    def matched(self, stems: frozenset[str]) -> frozenset[str]:
        """Those of `stems` that match one of this headline's stems."""
        found = stems & self.stem_set
        if len(found) == len(stems) or not self.prefixable:
            return found
        return found | {
            stem
            for stem in stems - found
            if _prefixable(stem) and any(_prefix_related(stem, o) for o in self.prefixable)
        }


def _prefixable(stem: str) -> bool:
    return len(stem) >= MIN_PREFIX and stem.isalpha()


def _prefix_related(a: str, b: str) -> bool:
    return a.startswith(b) if len(a) >= len(b) else b.startswith(a)


def stems_match(a: str, b: str) -> bool:
    """Same stem, or (words only, not numbers or models like F-16) one a prefix of the
    other at least MIN_PREFIX long: Ukrainian endings vary more than a stemmer catches."""
    return a == b or (_prefixable(a) and _prefixable(b) and _prefix_related(a, b))


def _is_cyrillic(word: str) -> bool:
    return any("\u0400" <= ch <= "\u04ff" for ch in word)


def _stem_uk(word: str) -> str:
    for reflexive in ("ся", "сь"):
        if word.endswith(reflexive) and len(word) - 2 >= 4:
            word = word[:-2]
            break
    for ending in _UK_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            word = word[: -len(ending)]
            break
    # Vowel alternation in a closed last syllable: Харків/Харкова, Київ/Києва, ніч/ночі.
    if len(word) >= 3 and word[-1] not in _UK_VOWELS:
        if word[-2] == "і":
            word = word[:-2] + "о" + word[-1]
        elif word[-2] == "є":
            word = word[:-2] + "ї" + word[-1]
    return word[:STEM_LENGTH]


def _stem_en(word: str) -> str:
    if any(ch.isdigit() for ch in word):
        return word[:-1] if word.endswith("s") and word[-2].isdigit() else word  # F-16s
    for suffix in _EN_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    return word[:STEM_LENGTH]


def _normalise_word(raw: str) -> str:
    word = raw.lower()
    for mark in _APOSTROPHES:
        if word.endswith(mark + "s") and not _is_cyrillic(word):
            word = word[:-2]  # English possessive
        word = word.replace(mark, "")
    return word.replace("-", "")


@lru_cache(maxsize=8192)
def analyse(title: str) -> Headline:
    """Stems, names and numbers of a headline (cached: every chat's digest re-reads them)."""
    text = unicodedata.normalize("NFKC", title[:MAX_CHARS])
    text = _DIGIT_GROUP.sub("", text)
    words = _WORD.findall(text)
    stems: list[str] = []
    names: set[str] = set()
    numbers: set[str] = set()
    for raw in words:
        word = _normalise_word(raw)
        if not word or word in _STOPWORDS or raw.lower() in _STOPWORDS:
            continue
        if number := _NUMBER.fullmatch(word):
            stem = number.group(1).lstrip("0") or "0"
            numbers.add(stem)
        elif word in _NUMBER_WORDS:
            stem = _NUMBER_WORDS[word]
            numbers.add(stem)
        else:
            stem = _stem_uk(word) if _is_cyrillic(word) else _stem_en(word)
            # Capitalised (even at the start: "Ukraine receives..."), an acronym, or a model.
            if any(ch.isupper() or ch.isdigit() for ch in raw):
                names.add(stem)
        stems.append(stem)
    return Headline(
        tuple(stems),
        frozenset(names),
        frozenset(numbers),
        frozenset(stems),
        tuple(stem for stem in dict.fromkeys(stems) if _prefixable(stem)),
    )


def canonical_url(url: str) -> str:
    """The URL two outlets would share for one article: no scheme, www., fragment,
    trailing slash or tracking parameters; lower-case host."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    host = parts.hostname or ""
    host = host.removeprefix("www.")
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.lower().startswith("utm_") and k.lower() not in _TRACKING_PARAMS
        ]
    )
    path = parts.path.rstrip("/")
    return f"{host}{path}?{query}" if query else f"{host}{path}"
