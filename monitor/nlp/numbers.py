"""Figures in a sentence: casualties as `Casualties(min, max, qualifier, who, outcome)`, and
dates as ISO strings (`normalise_date`, at the end).

    casualties("Amnesty said ... and killed 119 civilians")
        -> (Casualties(119, 119, "exact", "civilians", "killed", "killed 119 civilians"),)

Regular expressions plus context words; no model. A number counts only when it names people
harmed: a person noun follows it ("46 civilians", "dozens of children") or a casualty noun
("12 dead", "5 wounded"), or a harm verb governs it ("killed 5 and wounded 12"), or it is a
death toll. An outcome word (killed, injured, displaced ...) must also be near; so years,
"28-page report", "25 suspected air strikes", "ninety-percent", money and times are ignored.

Conventions (documented, tested):

    exact     "killing 119 civilians"          119, 119
    at_least  "at least 46", "more than 200"   46, None    (more than N is stored as N)
    at_most   "up to 30", "as many as 30"      None, 30
    about     "about/nearly/some 50"           50, 50      (the stated figure; widen if needed)
    range     "between 100 and 300", "100-300" 100, 300
    vague     a dozen 12-12 (about), several 3-9, a few 2-5, dozens 24-99, scores 40-99,
              hundreds 200-999, thousands 2000-9999, tens of thousands 20000-99999,
              hundreds of thousands 200000-999999
    none      "no civilians were harmed"       0, 0
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

from monitor.records import Casualties

__all__ = ["casualties", "parse_number", "normalise_date", "VAGUE"]

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}
_SCALES = {"hundred": 100, "thousand": 1000, "million": 1_000_000}
VAGUE: dict[str, tuple[int, int, str]] = {
    "a dozen": (12, 12, "about"), "several": (3, 9, "vague"), "a few": (2, 5, "vague"),
    "a handful": (2, 5, "vague"), "dozens": (24, 99, "vague"), "several dozen": (24, 99, "vague"),
    "a few dozen": (24, 99, "vague"), "scores": (40, 99, "vague"),
    "hundreds": (200, 999, "vague"), "several hundred": (200, 999, "vague"),
    "thousands": (2000, 9999, "vague"), "several thousand": (2000, 9999, "vague"),
    "tens of thousands": (20_000, 99_999, "vague"),
    "hundreds of thousands": (200_000, 999_999, "vague"),
}
_QUALIFIERS = {
    "at_least": ("at least", "more than", "over", "upwards of", "in excess of", "no fewer than",
                 "no less than", "a minimum of", "at a minimum"),
    "at_most": ("up to", "as many as", "at most", "fewer than", "less than", "no more than",
                "a maximum of", "under"),
    "about": ("about", "around", "nearly", "almost", "some", "roughly", "approximately",
              "an estimated", "estimated", "close to", "about", "around"),
}
_WHO = {
    "civilian": "civilians", "people": "people", "person": "people", "persons": "people",
    "child": "children", "children": "children", "kid": "children", "minor": "children",
    "boy": "children", "girl": "children", "infant": "children", "baby": "children",
    "babies": "children", "toddler": "children", "woman": "women", "women": "women",
    "man": "men", "men": "men", "soldier": "soldiers", "troop": "soldiers",
    "serviceman": "soldiers", "servicemen": "soldiers", "servicemember": "soldiers",
    "fighter": "fighters", "militant": "fighters", "rebel": "fighters", "insurgent": "fighters",
    "combatant": "fighters", "gunman": "fighters", "gunmen": "fighters",
    "aid worker": "aid workers", "humanitarian worker": "aid workers",
    "relief worker": "aid workers", "health worker": "health workers",
    "healthcare worker": "health workers", "medical worker": "health workers",
    "medic": "health workers", "doctor": "health workers", "nurse": "health workers",
    "paramedic": "health workers", "rescuer": "rescue workers", "rescue worker": "rescue workers",
    "first responder": "rescue workers", "journalist": "journalists", "reporter": "journalists",
    "media worker": "journalists", "patient": "patients", "student": "students",
    "pupil": "students", "refugee": "refugees", "migrant": "refugees",
    "protester": "protesters", "protestor": "protesters", "demonstrator": "protesters",
    "resident": "civilians", "villager": "civilians", "worshipper": "civilians",
    "farmer": "civilians", "passenger": "civilians", "shopper": "civilians",
    "prisoner": "detainees", "detainee": "detainees", "police officer": "police",
    "policeman": "police", "policemen": "police", "peacekeeper": "peacekeepers",
    "staff member": "staff", "employee": "staff", "worker": "workers", "other": "people",
    "family member": "family members", "relative": "family members",
    "members of the same family": "family members", "members of one family": "family members",
    "members of a single family": "family members", "members of a family": "family members",
    "family": "families", "families": "families", "adult": "people",
    "palestinian": "people", "israeli": "people", "ukrainian": "people", "syrian": "people",
    "yemeni": "people", "sudanese": "people", "rohingya": "people", "afghan": "people",
    "iraqi": "people", "tigrayan": "people", "hostage": "hostages", "individual": "people",
}
_CASUALTY_NOUNS = {
    "dead": "killed", "deaths": "killed", "death": "killed", "fatalities": "killed",
    "killed": "killed", "bodies": "killed", "lives": "killed", "victims": "killed",
    "wounded": "injured", "injured": "injured", "injuries": "injured", "hurt": "injured",
    "casualties": "affected", "displaced": "affected", "missing": "affected",
}
_OUTCOMES = [
    ("killed", r"kill\w*|dead|died|die|dies|dying|deaths?|fatalit\w+|lives|slain|massacr\w+|"
               r"execut\w+|murder\w*|perish\w*|bodies|shot|toll|lost their lives"),
    ("injured", r"injur\w*|wound\w*|hurt|maim\w*|harm\w*|burns?"),
    ("affected", r"displac\w+|detain\w*|arrest\w*|abduct\w*|kidnap\w*|missing|trapped|"
                 r"besieged|starv\w+|affected|fled|flee\w*|evacuat\w+|rap(?:e|ed)|tortur\w+|"
                 r"disappear\w*|imprison\w*|held|captured|taken hostage|forced|casualties"),
]

_W = "|".join(sorted([*_UNITS, *_SCALES], key=len, reverse=True))
_WORDNUM = rf"(?:(?:{_W})|a(?=[\s-]+(?:hundred|thousand|million)\b))(?:[\s-]+(?:and\s+)?(?:{_W}))*"
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_DIGITNUM = rf"(?:{_DIGITS})(?:\s+(?:million|thousand|hundred)\b)?"
_VAGUE = "|".join(sorted(VAGUE, key=len, reverse=True))
_NUM = rf"(?:{_VAGUE}|{_DIGITNUM}|{_WORDNUM})"
_RANGE = rf"between\s+{_NUM}\s+and\s+{_NUM}|(?:{_DIGITNUM})\s*(?:-|–|—|to)\s*(?:{_DIGITNUM})"
_QUAL = "|".join(sorted({q for qs in _QUALIFIERS.values() for q in qs}, key=len, reverse=True))
_FIGURE = rf"(?P<qual>(?:{_QUAL})\s+)?(?P<num>{_RANGE}|{_NUM})"
_STOP = r"of|in|on|at|by|from|and|or|were|was|who|that|had|have|has|with|to|is|are|after|for"
_WHO_RE = "|".join(sorted((re.escape(w) for w in _WHO), key=len, reverse=True))
_NOUN = rf"(?P<who>(?:{_WHO_RE})(?:e?s)?|{'|'.join(_CASUALTY_NOUNS)})"
_WITH_NOUN = re.compile(
    rf"(?<![\w$£€.,-]){_FIGURE}(?:\s+of)?(?P<mid>(?:\s+(?!(?:{_STOP})\b)[\w'’-]+){{0,3}}?)"
    rf"\s+{_NOUN}\b(?![-%])",
    re.IGNORECASE,
)
_VERB_FIRST = re.compile(
    rf"\b(?P<verb>killing|killed|kills|wounding|wounded|injuring|injured)\s+{_FIGURE}"
    r"(?=\s*(?:[,.;:)]|$|\s(?:and|in|on|at|near|during|when|while|including|across|inside|"
    r"overnight|as|after|before|since|with|others?|more)\b))",
    re.IGNORECASE,
)
_NUM_VERB = re.compile(
    rf"(?<![\w$£€.,-]){_FIGURE}\s+(?:were|was|have been|had been|has been|are|are feared|"
    r"were reported)\s+(?:\w+\s+)?(?P<verb>killed|injured|wounded|hurt|dead|died|detained|"
    r"displaced|abducted|missing)\b",
    re.IGNORECASE,
)
_TOLL = re.compile(rf"\bdeath\s+toll\b(?:\s+[\w-]+){{0,4}}?\s+(?:to|of|at|reached|hit|is|was)\s+"
                   rf"{_FIGURE}\b", re.IGNORECASE)
_NONE = re.compile(
    r"\b(?:no|none of the|without)\s+(?:civilians?|one|people|children|casualties|civilian "
    r"casualties|deaths|fatalities|injuries|soldiers?|troops|lives|one else)\b(?:\s+(?:(?:was|"
    r"were|had been|have been|has been)\s+)?(?P<verb>killed|harmed|hurt|injured|wounded|died|"
    r"lost))?|\bnobody\s+(?:(?:was|were|had been)\s+)?(?P<verb2>killed|harmed|hurt|injured|"
    r"wounded|died)",
    re.IGNORECASE,
)
_OUTCOME_RES = [(name, re.compile(rf"^(?:{rx})$", re.IGNORECASE)) for name, rx in _OUTCOMES]
_WORDS = re.compile(r"[\w’'-]+")
_YEAR = re.compile(r"(?:1[89]|20)\d\d")
_BEFORE, _AFTER = 6, 14
_PART_OF = re.compile(r"\s+of\s+(?:the|those)\s+(?:dead|victims|killed|bodies|wounded)\b",
                      re.IGNORECASE)
_SPEAKS = re.compile(r"\s+(?:(?:also|later|then|had|has|have)\s+)?(?:said|says|say|told|tells|"
                     r"recalled|recounted|described|added|explained|spoke)\b", re.IGNORECASE)


def casualties(doc_or_text: Any) -> tuple[Casualties, ...]:
    """Every casualty figure in a sentence (a str, or a spaCy Doc/Span), in text order."""
    text = doc_or_text if isinstance(doc_or_text, str) else str(doc_or_text.text)
    found: list[tuple[int, int, Casualties]] = []
    for match in _NONE.finditer(text):
        found.append((match.start(), match.end(), _none(match)))
    for match in _WITH_NOUN.finditer(text):
        figure = _noun_figure(text, match)
        if figure is not None:
            found.append((match.start(), match.end(), figure))
    for rx in (_VERB_FIRST, _NUM_VERB, _TOLL):
        for match in rx.finditer(text):
            outcome = _outcome_of_verb(match.groupdict().get("verb") or "killed")
            first = match.start("num") if rx is _TOLL else match.start()
            figure = _figure(match, "people", outcome, text[first:match.end()])
            if figure is not None:
                found.append((match.start("num"), match.end(), figure))
    return tuple(c for _, _, c in _without_overlaps(found))


def parse_number(text: str) -> tuple[int, int, str] | None:
    """'46' -> (46, 46, exact); 'dozens' -> (24, 99, vague); 'between 1 and 3' -> (1, 3, range)."""
    words = " ".join(text.lower().replace("–", "-").replace("—", "-").split())
    if words in VAGUE:
        return VAGUE[words]
    parts = re.split(r"\s*(?:-|\bto\b|\band\b)\s*", words.removeprefix("between "))
    if (words.startswith("between ") or len(parts) == 2) and not _WORDNUM_ONLY.fullmatch(words):
        low, high = (_value(p) for p in parts[:2]) if len(parts) >= 2 else (None, None)
        if low is not None and high is not None and low <= high:
            return low, high, "range"
    value = _value(words)
    return None if value is None else (value, value, "exact")


_WORDNUM_ONLY = re.compile(_WORDNUM, re.IGNORECASE)


def _value(words: str) -> int | None:
    words = words.strip()
    digits = re.fullmatch(rf"({_DIGITS})(?:\s+(million|thousand|hundred))?", words)
    if digits:
        scale = _SCALES.get(digits.group(2) or "", 1)
        return int(round(float(digits.group(1).replace(",", "")) * scale))
    total = current = 0
    seen = False
    for word in re.split(r"[\s-]+", words):
        if word in ("and", "a"):
            continue
        if word in _UNITS:
            current += _UNITS[word]
        elif word == "hundred":
            current = max(current, 1) * 100
        elif word in ("thousand", "million"):
            total += max(current, 1) * _SCALES[word]
            current = 0
        else:
            return None
        seen = True
    return total + current if seen else None


def _noun_figure(text: str, match: re.Match[str]) -> Casualties | None:
    if _looks_like_year(text, match) or _SPEAKS.match(text, match.end()):
        return None  # "One resident said ...": people who speak are no casualties
    if _PART_OF.match(text, match.start("num") + len(match.group("num"))):
        return None  # "four of the dead were drivers": a part, described, not a toll
    noun = match.group("who").lower()
    outcome = _CASUALTY_NOUNS.get(noun) or _nearby_outcome(text, match.start(), match.end())
    if outcome is None:
        return None
    return _figure(match, _who(noun), outcome, match.group(0))


def _figure(match: re.Match[str], who: str, outcome: str, span: str) -> Casualties | None:
    parsed = parse_number(match.group("num"))
    if parsed is None:
        return None
    first, last, qualifier = parsed
    low: int | None = first
    high: int | None = last
    qual = (match.group("qual") or "").strip().lower()
    for name, phrases in _QUALIFIERS.items():
        if qual in phrases and qualifier in ("exact", "vague"):
            qualifier = name
    if qualifier == "at_least":
        high = None
    elif qualifier == "at_most":
        low = None
    return Casualties(low, high, qualifier, who, outcome, " ".join(span.split()))


def _who(noun: str) -> str:
    if noun in _CASUALTY_NOUNS:
        return "people"
    base = re.sub(r"(?<=[^s])s$|es$", "", noun) if noun not in _WHO else noun
    return _WHO.get(noun) or _WHO.get(base) or _WHO.get(noun.rstrip("s")) or noun


def _nearby_outcome(text: str, start: int, end: int) -> str | None:
    """The outcome word nearest the figure: up to 6 words before it or 14 after it."""
    before = _WORDS.findall(text[max(0, start - 80):start])[-_BEFORE:]
    after = _WORDS.findall(re.split(r"[;:!?]|\.\s", text[end:end + 160])[0])[:_AFTER]
    best: tuple[int, str] | None = None
    for distance, word in [*((len(before) - i, w) for i, w in enumerate(before)),
                           *((i + 1, w) for i, w in enumerate(after))]:
        outcome = _outcome_of_word(word)
        if outcome and (best is None or distance < best[0]):
            best = (distance, outcome)
    return best[1] if best else None


def _outcome_of_word(word: str) -> str | None:
    for name, rx in _OUTCOME_RES:
        if rx.match(word):
            return name
    return None


def _outcome_of_verb(verb: str) -> str:
    return _outcome_of_word(verb) or "killed"


def _none(match: re.Match[str]) -> Casualties:
    verb = (match.group("verb") or match.group("verb2") or "").lower()
    words = match.group(0).lower()
    outcome = "killed" if verb in ("killed", "died", "lost") or "death" in words or (
        "fatalit" in words) else (
        "injured" if verb or "injur" in words else "affected")
    who = next((_WHO[w] for w in ("civilian", "children", "soldier") if w in words), "people")
    return Casualties(0, 0, "none", who, outcome, " ".join(match.group(0).split()))


def _looks_like_year(text: str, match: re.Match[str]) -> bool:
    num = match.group("num")
    if not _YEAR.fullmatch(num) or match.group("qual"):
        return False
    before = text[max(0, match.start() - 12):match.start()].lower().split()
    return bool(before) and before[-1] in ("in", "since", "of", "until", "by", "from")


Found = list[tuple[int, int, Casualties]]


def _without_overlaps(found: Found) -> Found:
    kept: Found = []
    for item in sorted(found, key=lambda f: (f[0], -(f[1] - f[0]))):
        if all(item[0] >= k[1] or item[1] <= k[0] for k in kept):
            kept.append(item)
    return kept


# --- dates -----------------------------------------------------------------------------

_MONTHS = {m: i + 1 for i, m in enumerate(
    "january february march april may june july august september october november december"
    .split())}
_MONTHS.update({m[:3]: i for m, i in list(_MONTHS.items())} | {"sept": 9})
_WEEKDAYS = "monday tuesday wednesday thursday friday saturday sunday".split()


def normalise_date(text: str, published: datetime | None) -> str:
    """'October 15' -> '2015-10-15' (year from `published`); 'Tuesday' -> the Tuesday on or
    before publication; 'March 2022' -> '2022-03'; '2015' -> '2015'. Vague or relative
    spans ("last week", "five years") -> "" ; a date that needs `published` without one -> the
    text as written."""
    words = re.findall(r"[a-z]+|\d+", text.lower())
    year = next((int(w) for w in words if len(w) == 4 and w.isdigit()), None)
    month = next((_MONTHS[w] for w in words if w in _MONTHS), None)
    day = next((int(w) for w in words if w.isdigit() and len(w) <= 2 and 1 <= int(w) <= 31), None)
    if month and day:
        if year is None and published is None:
            return text
        year = year or _year_before(published, month, day)
        return f"{year:04d}-{month:02d}-{day:02d}"
    if month and year:
        return f"{year:04d}-{month:02d}"
    if year and len(words) == 1:
        return str(year)
    relative = _relative_day(words, published)
    return relative if relative is not None else ""


def _year_before(published: datetime | None, month: int, day: int) -> int:
    assert published is not None
    late = (month, day) > (published.month, published.day)
    return published.year - 1 if late else published.year


def _relative_day(words: list[str], published: datetime | None) -> str | None:
    if not words or len(words) > 2:
        return None
    word = words[-1]
    offset: int | None = None
    if word in ("today", "tonight"):
        offset = 0
    elif word == "yesterday":
        offset = 1
    elif word in _WEEKDAYS and (len(words) == 1 or words[0] in ("last", "on", "this")):
        if published is None:
            return word.capitalize()
        offset = (published.weekday() - _WEEKDAYS.index(word)) % 7
    if offset is None:
        return None
    if published is None:
        return word
    return (published - timedelta(days=offset)).date().isoformat()
