"""Canonical actors: the many names of one party mapped to one name.

    canonical_actor("Igor Konashenkov")            -> "Russia"
    canonical_actor("the Russian Defense Ministry") -> "Russia"
    canonical_actor("Amnesty International UK")    -> "Amnesty International"
    canonical_actor("local residents")             -> "Local Residents"   (unknown: cleaned)
    actor_side("Gaza Health Ministry")             -> "Hamas"

The table is `data/actors.json`: 361 actors and about 3,300 aliases, namely every UN member
state plus Palestine, Kosovo and Taiwan (198 state actors with the two coalitions), 117 armed
groups of the conflicts of 2020-2026, and the authorities, international bodies and rights
groups that speak about them. Names are normalised before lookup: case, "the", possessives,
Defense -> Defence, "ministry of X" -> "X ministry" ("ministry of national defence" ->
"defence ministry"), dotted acronyms (U.S. -> US). Spokespeople and leaders map to the actor
they speak for. A country name or demonym followed by a state word ("Russian bombers", "Sudan's
army", "Israeli strikes") maps to that state's armed or official actor; alone, a demonym does
not ("Sudanese doctors" stays itself). Short acronyms (UN, US, IS, RSF, MILF) match only in
capitals.

Country names that are also words or first names are listed as `ambiguous` (Turkey, China,
Jordan, Chad, Niger, Guinea ...): alone they count only capitalised and not before another
capitalised word that is no country, so "Jordan Henderson", "Chad Smith", "turkey dinner" and
"South China Sea" are no states, while "Turkey, Russia and Iran" are. Names listed as
`only_with_state_word` ("Georgia", "Swiss") count only before a state word: "Georgia's army",
not "Georgia voters". Places named after a country ("Lake Chad", "Latin America") are skipped.

Decision on health authorities run by a party to the conflict: the Gaza Health Ministry is an
actor of its own (it is quoted as a source of figures far more often than as a party), and its
`side` is "Hamas", so a detector can still treat it as speaking for that side. The Houthi-run
ministry in Sanaa is simply "Houthis".

Decisions on sides: a group that fights for a state or a coalition has it as `side` (Africa
Corps -> Russia, People's Defence Force -> National Unity Government, Wazalendo -> DR Congo
(government), G9 -> Viv Ansanm). Kataib Hezbollah and the Islamic Resistance in Iraq are actors
of their own with side "Popular Mobilisation Forces": their brigades are registered PMF units,
though they claim attacks in their own name. Islamic State provinces known by that name (ISWAP,
IS Sahel, ISKP) are aliases of "Islamic State", which claims their attacks; affiliates with a
name of their own (ADF, Ansar al-Sunna, the Maute group, JNIM, al-Shabab, AQAP) are actors of
their own. Since 2025 Ahmed al-Sharaa speaks for "Syria (government)", not for HTS.

Lookup order: the whole name; else the leftmost (then longest) alias or country + state word
found inside it, places skipped; else the name itself, cleaned and title-cased.
"""

from __future__ import annotations

import json
import logging
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

log = logging.getLogger(__name__)

__all__ = [
    "canonical_actor", "known_actor", "actor_kind", "actor_side", "is_country", "mentioned_actors",
    "named_actor_words", "is_institution", "ActorTable",
]

DATA = Path(__file__).resolve().parent / "data" / "actors.json"
MAX_ALIAS_TOKENS = 10
CAPS_ONLY = frozenset({"sana", "isis", "isil", "sdf", "hts", "pmf", "pmu", "milf", "biff"})

# Words that, after a country or demonym, make the phrase that state's official/armed actor.
STATE_HEADS = frozenset(
    """government authorities authority officials official army military forces force troops
    soldiers armed air navy ministry ministries minister ministers president premier prime
    leader leaders leadership regime junta embassy ambassador envoy mission delegation
    prosecutor prosecutors police security intelligence jets warplanes aircraft planes
    helicopters drones drone bombers bomber artillery tanks strike strikes airstrike
    airstrikes air-strikes bombing bombings bombardment bombardments shelling shells missile
    missiles rockets rocket raids raid attack attacks offensive operation operations campaign
    units unit commanders command staff generals general officers state defence foreign
    interior spokesman spokeswoman spokesperson statement troops' marines paratroopers
    special border guards gunboats warships battalion brigade brigades division
    counterparts side cabinet parliament counter-terrorism counterterrorism""".split()
)

# Names ending in these are institutions of a place, not its government or forces.
INSTITUTIONS = frozenset("""hospital hospitals centre center clinic clinics university
    college school schools morgue mosque church""".split())
# Rights bodies of a state or a region are watchdogs, not its government: "the Ethiopian Human
# Rights Commission", "Colombia's Ombudsman's Office", "the Bangsamoro Human Rights Commission".
_RIGHTS_BODY = re.compile(r"\b(?:human\s+rights|ombuds\w*|rights\s+(?:commission|council|"
                          r"body|network|monitor|group|defenders?))\b", re.IGNORECASE)

Tokens = tuple[str, ...]
Spans = tuple[tuple[str, int], ...]  # (word, case): 0 lower, 1 capitalised, 2 all capitals


@dataclass(frozen=True)
class ActorTable:
    """Normalised token sequences -> canonical actor."""

    aliases: dict[Tokens, str]
    states: dict[Tokens, str]  # country names and demonyms
    bare: dict[Tokens, str]  # country names and plural demonyms that count alone
    sides: dict[str, str]
    kinds: dict[str, str]  # state | armed_group | authority | ngo | io | media
    ambiguous: dict[Tokens, str]  # country names that are also words or first names
    places: frozenset[Tokens]  # places named after a country that are not it (Lake Chad)


def is_institution(name: str) -> bool:
    """A hospital, school or rights body named after its place ("Tripoli Medical Centre",
    "the Ethiopian Human Rights Commission"): not that place's government or forces."""
    tokens = _normal_tokens(name)
    return bool(tokens) and (_plain(tokens)[-1] in INSTITUTIONS or bool(_RIGHTS_BODY.search(name)))


def canonical_actor(name: str) -> str:
    """The canonical actor for `name`; unknown names come back cleaned; "" for nothing."""
    return _canonical(name or "")


def known_actor(name: str) -> str:
    """The canonical actor when `name` is in the table (or names a state's forces); else ""."""
    canon = canonical_actor(name)
    return canon if canon in table().sides else ""


def actor_side(actor: str) -> str:
    """The party an actor belongs to (the Gaza Health Ministry -> Hamas); itself by default."""
    canon = canonical_actor(actor)
    return table().sides.get(canon, canon)


def actor_kind(actor: str) -> str:
    """What kind of party a known actor is (state, armed_group, authority, ngo, io, media);
    "" for an unknown name. Rights groups and the media report harm far more often than
    they are accused of it, which the stance rules use."""
    return table().kinds.get(canonical_actor(actor), "")


@lru_cache(maxsize=65536)
def is_country(name: str) -> bool:
    """True for a bare country name or plural demonym ("Syria", "Russians")."""
    tokens = _normal_tokens(name)
    return bool(tokens) and (_plain(tokens) in table().bare
                             or bool(_standing_alone(tokens, 0, len(tokens), table())))


@lru_cache(maxsize=65536)  # detection asks again about every stored claim of a story
def mentioned_actors(text: str, countries: bool = False) -> tuple[str, ...]:
    """Every known actor named in a text, in order of first mention; bare country names
    ("Russian Federation is trying ...") count only with `countries`."""
    return tuple(dict.fromkeys(actor for actor, _ in _mentions(_normal_tokens(text), countries)))


def named_actor_words(text: str) -> frozenset[str]:
    """The lower-case words of every actor name found in a text ("rapid", "support",
    "forces" in "... the Rapid Support Forces said"): words that belong to a party here."""
    return frozenset(word for _, span in _mentions(_normal_tokens(text)) for word, _ in span)


def _mentions(tokens: Spans, countries: bool = False) -> Iterator[tuple[str, Spans]]:
    """(actor, its tokens) for each actor name in the tokens, left to right, longest first."""
    start = 0
    while start < len(tokens):
        hit = _match_at(tokens, start, table(), countries)
        if hit is None:
            start += 1
            continue
        actor, length = hit
        if actor:
            yield actor, tokens[start:start + length]
        start += length


@lru_cache(maxsize=1)
def table() -> ActorTable:
    """The alias table, read once from `data/actors.json`."""
    data = json.loads(DATA.read_text(encoding="utf-8"))
    raw = data["actors"]
    aliases: dict[Tokens, str] = {}
    states: dict[Tokens, str] = {}
    bare: dict[Tokens, str] = {}
    sides: dict[str, str] = {}
    kinds: dict[str, str] = {}
    ambiguous: dict[Tokens, str] = {}
    for canon, entry in raw.items():
        sides[canon] = entry.get("side", canon)
        kinds[canon] = entry.get("kind", "")
        careful = {_plain(_normal_tokens(w))
                   for w in entry.get("ambiguous", []) + entry.get("only_with_state_word", [])}
        for alias in [canon, *entry.get("aliases", [])]:
            key = _plain(_normal_tokens(alias))
            if key not in careful:  # "Jordan" the key is not "Jordan Henderson"
                aliases.setdefault(key, canon)
        for word in (entry.get("countries", []) + entry.get("demonyms", [])
                     + entry.get("ambiguous", []) + entry.get("only_with_state_word", [])):
            states.setdefault(_plain(_normal_tokens(word)), canon)
        for word in entry.get("ambiguous", []):
            ambiguous.setdefault(_plain(_normal_tokens(word)), canon)
        for word in entry.get("countries", []):
            bare.setdefault(_plain(_normal_tokens(word)), canon)
        for word in entry.get("demonyms", []):
            if word.endswith("s") and len(word) > 4:
                bare.setdefault(_plain(_normal_tokens(word)), canon)
    places = frozenset(_plain(_normal_tokens(p)) for p in data.get("places", []))
    log.debug("actor table: %d aliases, %d state words", len(aliases), len(states))
    return ActorTable(aliases, states, bare, sides, kinds, ambiguous, places)


@lru_cache(maxsize=8192)
def _canonical(name: str) -> str:
    tab = table()
    tokens = _normal_tokens(name)
    if not tokens:
        return ""
    whole = (_lookup(tokens, tab.aliases) or _lookup(tokens, tab.bare)
             or _standing_alone(tokens, 0, len(tokens), tab))
    if whole:
        return whole
    if is_institution(name):
        return clean_name(name)  # "Tripoli Medical Centre" is a hospital, not the government
    start = 0
    while start < len(tokens):
        hit = _match_at(tokens, start, tab)
        if hit is not None and hit[0]:
            return hit[0]
        start += hit[1] if hit is not None else 1  # past a place ("Lake Chad")
    return clean_name(name)


def _match_at(tokens: Spans, start: int,
              tab: ActorTable, countries: bool = False) -> tuple[str, int] | None:
    """The longest alias, or country/demonym + state word (or, with `countries`, a bare
    country name), starting at `start`; ("", length) for a place named after a country."""
    for length in range(min(MAX_ALIAS_TOKENS, len(tokens) - start), 0, -1):
        span = tokens[start:start + length]
        if _plain(span) in tab.places:
            return "", length
        actor = _lookup(span, tab.aliases) or (
            _lookup(span, tab.bare) or _standing_alone(tokens, start, length, tab)
            if countries else "")
        if actor:
            return actor, length
        state = _lookup(span, tab.states)
        if state and _plain(span) in tab.ambiguous and not span[0][1]:
            state = ""  # "china cabinet", "turkey strikes" in lower case
        if state and _state_head_follows(tokens, start + length, tab):
            return state, length + 1
    return None


def _standing_alone(tokens: Spans, start: int, length: int, tab: ActorTable) -> str:
    """An ambiguous country name that counts alone: capitalised, and not followed by another
    capitalised word unless that is a country too ("Jordan, Egypt"; not "Jordan Henderson",
    "Chad Smith", "turkey dinner" or "South China Sea")."""
    actor = tab.ambiguous.get(_plain(tokens[start:start + length]), "")
    if not actor or not tokens[start][1]:
        return ""
    after = tokens[start + length:start + length + 1]
    if after and after[0][1] and (after[0][0],) not in tab.states:
        return ""
    return actor


def _state_head_follows(tokens: Spans, at: int, tab: ActorTable) -> bool:
    """A state word at `at`, or after 'and <country/demonym>' ("Russian and Syrian jets")."""
    words = _plain(tokens[at:at + 4])
    if words[:1] and words[0] in STATE_HEADS:
        return True
    return len(words) >= 3 and words[0] == "and" and (words[1],) in tab.states \
        and words[2] in STATE_HEADS


def _lookup(span: Spans, index: dict[Tokens, str]) -> str:
    key = _plain(span)
    actor = index.get(key, "")
    if actor and len(key) == 1 and _caps_only(key[0]) and span[0][1] < 2:
        return ""
    return actor


def _caps_only(word: str) -> bool:
    return (len(word) <= 3 and word.isalpha()) or word in CAPS_ONLY


def _plain(tokens: Spans) -> Tokens:
    return tuple(t for t, _ in tokens)


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": " ", "”": " ", '"': " ", "`": "'"})
_DOTTED = re.compile(r"\b(?:[A-Z]\.){2,}")
_POSSESSIVE = re.compile(r"(?<=\w)'s\b|(?<=s)'(?=\s|$)")
_TOKEN = re.compile(r"[^\W_][\w'&/.-]*", re.UNICODE)
_ARTICLES = frozenset({"the", "a", "an"})
_SPELLING = {"defense": "defence", "defenses": "defences", "organization": "organisation",
             "mobilization": "mobilisation", "kiev": "kyiv"}


def _normal_tokens(name: str) -> Spans:
    """(lower-case word, case) pairs after the normalisations in the docstring; case is 2 for
    a word in capitals ("UN"), 1 for a capitalised one ("Jordan"), 0 otherwise."""
    text = unicodedata.normalize("NFKC", name).translate(_QUOTES)
    text = _DOTTED.sub(lambda m: m.group(0).replace(".", ""), text)
    text = _POSSESSIVE.sub("", text)
    pairs = []
    for raw in _TOKEN.findall(text):
        raw = raw.rstrip(".'-")
        word = raw.lower()
        if not word or word in _ARTICLES:
            continue
        case = 2 if len(raw) > 1 and raw.isupper() else int(raw[:1].isupper())
        pairs.append((_SPELLING.get(word, word), case))
    return _reorder_ministry(pairs)


def _reorder_ministry(pairs: list[tuple[str, int]]) -> Spans:
    """'ministry of defence' -> 'defence ministry' (also minister, 'foreign affairs'); the
    'national' of 'ministry of national defence' / 'national defence ministry' goes."""
    out: list[tuple[str, int]] = []
    i = 0
    while i < len(pairs):
        word = pairs[i][0]
        if word == "national" and [w for w, _ in pairs[i + 1:i + 3]] in (
                ["defence", "ministry"], ["defence", "minister"]):
            i += 1
            continue
        if word in ("ministry", "minister") and i + 2 < len(pairs) and pairs[i + 1][0] == "of":
            subject = pairs[i + 2]
            skip = 3
            if i + 3 < len(pairs) and pairs[i + 3][0] == "affairs":
                skip = 4
            elif subject[0] == "national" and i + 3 < len(pairs) and pairs[i + 3][0] == "defence":
                subject = pairs[i + 3]
                skip = 4
            out.extend([subject, pairs[i]])
            i += skip
            continue
        out.append(pairs[i])
        i += 1
    return tuple(out)


def clean_name(name: str) -> str:
    """An unknown name tidied: no leading article or possessive, each word capitalised."""
    text = unicodedata.normalize("NFKC", name).translate(_QUOTES)
    text = _POSSESSIVE.sub("", text).strip(" ,.;:'-")
    words = [_spelled(w) for w in text.split()]
    while words and words[0].lower() in _ARTICLES:
        words = words[1:]
    words = _ministry_first(words)
    return " ".join(w if not w.islower() else w[:1].upper() + w[1:] for w in words)


def _spelled(word: str) -> str:
    """One spelling for a word of the table (Defense -> Defence), keeping its capital."""
    normal = _SPELLING.get(word.lower())
    if normal is None or word.isupper():
        return word
    return normal[:1].upper() + normal[1:] if word[:1].isupper() else normal


def _ministry_first(words: list[str]) -> list[str]:
    """"Ministry of Defence" -> "Defence Ministry", as `_reorder_ministry` does for lookups."""
    if len(words) == 3 and words[0].lower() in ("ministry", "minister") and \
            words[1].lower() == "of":
        return [words[2][:1].upper() + words[2][1:], words[0][:1].upper() + words[0][1:]]
    return words
