"""Who is who between two claims: the parties a claim accuses, speaks for, or blames back.

Every comparison is made on an actor's *side* (`monitor.nlp.actors.actor_side`), so that
"Igor Konashenkov", "the Kremlin" and "Russian bombers" are one party, and the Gaza Health
Ministry counts with Hamas. Pure functions over `Claim` records; no I/O.

    speaker_side(claim)           the party the speaker is or speaks for ("" if unknown)
    accused_sides(claim)          the parties an allegation blames (all of "X and Y")
    defended_sides(claim)         the parties a denial speaks for: its speaker and `accused`
    counter_targets(claim, ...)   whom a counter-claim blames instead
    speaking_for(claim)           the party a statement speaks for
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

from monitor.nlp.actors import (
    actor_kind,
    actor_side,
    canonical_actor,
    is_country,
    known_actor,
    mentioned_actors,
    table,
)
from monitor.records import Claim

# Flags that make a denial also a claim of its own ("it was their own rocket", "a legitimate
# target"), which the other side may in turn reject.
COUNTER_FLAGS = frozenset({"counter_accusation", "justification"})
DEFLECTION = "deflection"
_WORD = re.compile(r"\b[A-Z][a-z]+(?=[\s-])")
_CLAIM = (r"(?:claims?|accusations?|allegations?|version|assertions?|statements?|reports?|"
          r"charges?|narrative|accounts?|stor(?:y|ies)|testimon(?:y|ies)|fabrications?)")
_OWNED = [  # "Moscow's claim", "the separatists' 'absurd' claims", "the Houthi claim"
    re.compile(r"((?:the\s+)?(?:[\w.-]+\s+){0,3}[\w.-]+)(?:'s|’s|'|’)\s+"
               r"(?:[\w'‘’\"“”-]+\s+){0,2}" + _CLAIM + r"\b", re.I),
    re.compile(r"\b(?:the\s+)?([A-Z][a-z]+|(?![0-9]+\b)[A-Z0-9]{2,6})\s+(?:[a-z]+\s+)?"
               + _CLAIM + r"\b"),  # "the Houthi claim", "the 3R claim"
    re.compile(_CLAIM + r"\s+(?:(?:made|circulated|spread|published|issued|peddled|"
               r"disseminated)\s+)?(?:by|from)\s+((?:the\s+)?(?:[\w-]+\s+){0,3}[\w-]+)", re.I),
]
_FINDING = re.compile(
    r"\b(found|finds|find|finding|findings|concluded|concludes|conclusion|investigators|"
    r"investigation (?:found|showed|concluded|established|determined)|"
    r"evidence|analys[ie]s|analysed|analyzed|verified|verifies|established|"
    r"confirmed|confirms|documented|forensic|satellite|imagery|showed|shows?|revealed|reveals|"
    r"records|review|reviewed|"
    r"traced|identified|determined|credible|contradict\w*|reasonable grounds|samples|"
    r"geolocat\w+|visible)\b",
    re.I,
)
_NOT_FINDING = re.compile(r"\b(not|no|never|unable to|could not|cannot)\b[^.]{0,30}"
                          r"\b(verify|verified|confirm|confirmed|establish|find|found)\b", re.I)
# An accused named only generically: a state's forces ("soldiers", "a military jet") ...
STATE_NOUNS = frozenset("""soldier soldiers troops army military forces force air jet jets
    warplane warplanes aircraft helicopter helicopters police security government regime
    authorities artillery navy marines drone drones strike strikes airstrike airstrikes raid
    operation bombing bombardment shelling shells missile missiles rocket rockets officer
    officers policemen gendarmes gendarmerie servicemen personnel""".split())
# Words that make a force no state's: "the paramilitary force", "rebel forces".
NON_STATE = frozenset("""paramilitary paramilitaries rebel rebels militia militias insurgent
    insurgents jihadist jihadists separatist separatists gang gangs terrorist terrorists
    dissident dissidents""".split())
# ... or an armed group ("the separatists", "rebels"), matched on the head word's stem.
_INVESTIGATOR = re.compile(
    r"\b(prosecutors?|attorney|court|tribunal|commission|inquiry|investigators?|monitors?|"
    r"monitoring|experts?|ombudsman|fact-finding|panel|rapporteur)\b", re.I)
CLEAR_WINDOW = 14  # words after a party's name in which its denial must come
_DENYING = re.compile(r"\b(not|no|never|nothing|none|without|fabricat\w*|baseless|false|"
                      r"lies?|untrue|unfounded|groundless|\w+n't)\b", re.I)
_GENERIC_HEADS = frozenset({"claim", "claims", "report", "reports", "it", "its", "their"})
_STATE_FORCES = frozenset("army military soldiers troops government".split())
_STATE_HEADS = frozenset("regime junta authorities ministry".split())
# An accused named only as an armed group ("jihadists", "gunmen"): the story's only armed
# group, as "soldiers" is the story's only state.
ARMED_NOUNS = frozenset("""jihadist jihadists militant militants insurgent insurgents rebel
    rebels gunman gunmen fighter fighters terrorist terrorists bandit bandits militia militias
    extremist extremists islamist islamists""".split())
# A denial blaming an armed group by a common noun ("the fires were lit by the separatists
# themselves") blames the story's only armed group; "fighters" and "gunmen" are anyone's.
_BLAMED_GROUP = ARMED_NOUNS - {"fighter", "fighters", "gunman", "gunmen"} | frozenset(
    "separatist separatists secessionist secessionists".split())
_SPLIT = re.compile(r",|;|\band\b|\bor\b|\bas well as\b|\balong with\b|\ballied\b", re.I)


# Kinds of actor that observe a war and are no party to it: rights groups, UN bodies, media.
OBSERVER_KINDS = frozenset({"ngo", "io", "media"})

# The state of a story that names none: local outlets write "soldiers killed four farmers"
# and "the defence ministry said" without naming their own country. In such a story every
# state organ and generic state force is taken to be that one unnamed party.
UNNAMED_STATE = "State forces (unnamed)"


@lru_cache(maxsize=8192)
def side(name: str) -> str:
    """The side of a name or canonical actor; "" for nothing."""
    if name == UNNAMED_STATE:
        return name
    return actor_side(name) if name and name.strip() else ""


def name_words(text: str) -> list[str]:
    """The capitalised words of a name, less articles and prepositions ("Somali", "National",
    "Army" in "The Somali National Army"): what names and their acronyms are compared on."""
    return [w for w in re.findall(r"\b[A-Z][\w'-]*", text) if w not in _NAME_STOP]


_NAME_STOP = frozenset("The A An Of And For In On At".split())


def abbreviates(acronym: str, words: Sequence[str]) -> bool:
    """True when `acronym` is the initials of the name `words` ("SSA" for "Stability",
    "Support", "Apparatus")."""
    return len(words) == len(acronym) and "".join(w[0] for w in words) == acronym


@lru_cache(maxsize=8192)
def speaker_actor(claim: Claim) -> str:
    """The canonical actor of the speaker ("" if unknown)."""
    if claim.speaker_actor:
        return claim.speaker_actor
    name = claim.speaker_org or claim.speaker
    return canonical_actor(name) if name.strip() else ""


def speaker_side(claim: Claim) -> str:
    return side(speaker_actor(claim))


@lru_cache(maxsize=8192)
def accused_sides(claim: Claim) -> frozenset[str]:
    """Every party named as accused: the canonical actor, each part of "X and Y", and a
    state named by its demonym ("Ukrainian air-defence missile" -> Ukraine)."""
    # not the UN in "strike on UN school", nor BIFF in "army operation against BIFF"
    agent = _TARGET.split(claim.accused, maxsplit=1)[0]
    whole = claim.accused_actor if agent == claim.accused else ""
    names = [whole] + [canonical_actor(p) for p in split_accused(agent)]
    found = {s for s in (side(n) for n in names) if s and not is_generic(s)}
    return frozenset(found | named_sides(agent))


# Where an accused phrase goes on to name the act's target or place ("Israeli strike on UN
# school in Gaza City", "shelling of the Kharkiv market").
_TARGET = re.compile(r"\s+(?:on|against|at|in|near|into|targeting|hitting)\s+", re.I)


def split_accused(accused: str) -> list[str]:
    """The parties of an accused phrase ("X and Y", "X, allied Y"), less generic ones."""
    return [p for p in _SPLIT.split(accused) if p.strip() and not is_generic(p)]


def is_generic(name: str) -> bool:
    """A name of no party in particular: "soldiers", "the army", "an air strike"."""
    words = set(re.findall(r"[a-z]+", name.lower())) - {"the", "a", "an", "its", "their"}
    return bool(words) and words <= STATE_NOUNS and not is_known(canonical_actor(name))


def defended_sides(claim: Claim) -> frozenset[str]:
    """The parties a denial speaks for: its speaker, and the party it clears (`accused`)."""
    found = set(accused_sides(claim))
    if speaker_side(claim):
        found.add(speaker_side(claim))
    return frozenset(found)


@lru_cache(maxsize=8192)
def is_known(actor: str) -> bool:
    """True when the actor table knows the name (not a cleaned-up unknown like "Ministry")."""
    return actor == UNNAMED_STATE or bool(actor) and bool(known_actor(actor))


# Where a statement's clause ends: a new sentence, "but", or a new thing said ("and that",
# "and said there was no ...": the negation there is not about the party named before).
_CLAUSE_BREAK = re.compile(
    r"[;.]|\band that\b|\bbut\b|\band (?:said|added|says|adds|insisted|stressed)\b|,\s*saying\b")


@lru_cache(maxsize=4096)
def cleared_sides(text: str) -> frozenset[str]:
    """The sides a denial names as not having done it: a named party followed closely by a
    negation ("Russian forces had not fired", "claims the Syrian Arab Army used toxic gas
    were fabricated"), not one it blames ("the Turkish army fired the shells")."""
    found: set[str] = set()
    for clause in _CLAUSE_BREAK.split(text):
        words = clause.split()
        for i in range(len(words)):
            head = " ".join(words[i:i + 4])
            sides = named_sides(head + " ")
            if sides and _DENYING.search(" ".join(words[i + 1:i + 1 + CLEAR_WINDOW])):
                found |= sides
    return frozenset(found)


@lru_cache(maxsize=8192)
def named_sides(text: str) -> frozenset[str]:
    """The sides a text names: known actors, and states named by a demonym before any noun
    ("Russian cluster munitions", "Syrian authorities", "Russian-controlled territory")."""
    found = {side(a) for a in mentioned_actors(text)}
    states = table().states  # only a real demonym: "Regime airstrike" names no party
    demonyms = [w for w in _WORD.findall(text) if (w.lower(),) in states and not is_country(w)]
    found.update(side(a) for a in (known_actor(f"{w} forces") for w in demonyms) if a)
    return frozenset(found - {""})


def claim_owners(text: str, story: Sequence[Claim] = (), besides: str = "") -> frozenset[str]:
    """The sides whose claims a statement rejects: "rejected Moscow's claim that ..." ->
    {"Russia"}; a generic owner ("the rebels' accusation") is looked up among the speakers
    of the story, and "the army's claim" is the story's one state other than `besides`
    (the speaker's side)."""
    found: set[str] = set()
    for pattern in _OWNED:
        for match in pattern.finditer(text):
            phrase = match.group(1).strip()
            found |= (_phrase_sides(phrase) or _speakers_called(phrase, story)
                      or _state_called(phrase, story, besides))
    return frozenset(found - {""})


def _state_called(phrase: str, story: Sequence[Claim], besides: str) -> set[str]:
    """"the army's accusation", "the government's claims": the story's one state, if it
    quoted that state."""
    if not story or phrase.lower().split()[-1] not in _STATE_FORCES | _STATE_HEADS:
        return set()
    state = story_state(story, besides=besides)
    quoted = {speaker_side(c) for c in story}
    return {state} if state in quoted and state != UNNAMED_STATE else set()


def _phrase_sides(phrase: str) -> set[str]:
    """Sides named by a short phrase: an actor, or a lone demonym ("Russian")."""
    names = [known_actor(phrase)]
    if " " not in phrase and not is_country(phrase):
        names.append(known_actor(f"{phrase} forces"))
    return set(named_sides(phrase)) | {side(n) for n in names if n}


def _speakers_called(phrase: str, story: Sequence[Claim]) -> set[str]:
    """Sides of the story's speakers whose names contain the phrase's head noun: a known
    party's ("the rebels' accusation": "M23 rebels"), or, for a head that is a name, any
    party's whose name begins with it ("Radaa's claim": the "Radaa Special Deterrence
    Force"); an acronym, the speaker it names ("the MPC's claim": "MPC")."""
    last = phrase.split()[-1].strip("'’")
    if re.fullmatch(r"[A-Z][A-Z0-9]{1,5}", last):  # "the MPC's claim": a speaker named MPC
        return {s for s in (speaker_side(c) for c in story) if s == last}
    head = last.lower().rstrip("s'’")
    if len(head) < 4 or head in _GENERIC_HEADS:
        return set()
    named = name_words(last)
    names = ((c, f"{c.speaker} {c.speaker_org} {c.speaker_actor}") for c in story)
    return {speaker_side(c) for c, n in names if head in n.lower() and (
        is_known(speaker_side(c)) or named and _begins(named[0], c))} - {""}


def _begins(word: str, claim: Claim) -> bool:
    """A name of the claim's speaker begins with the word ("Radaa Special Deterrence Force")."""
    return any(name_words(n)[:1] == [word]
               for n in (claim.speaker, claim.speaker_org, claim.speaker_actor))


def blamed_sides(claim: Claim, story: Sequence[Claim]) -> frozenset[str]:
    """`accused_sides`, or for an accused named generically, the story's party it must be:
    "soldiers" in a story with one state party is that state."""
    found = accused_sides(claim)
    if any(is_known(s) for s in found):
        return found
    if not claim.accused:  # "a drone strike hit the market": air power is a state's
        state = story_state(story, besides=speaker_side(claim))
        return found | {state} if state and _AIR_STRIKE.search(claim.text) else found
    words = set(re.findall(r"[a-z]+", claim.accused.lower()))
    state = story_state(story, besides=speaker_side(claim))  # nobody accuses its own side
    if words & STATE_NOUNS and state and not words & NON_STATE:  # not "the paramilitary force"
        return found | {state}
    groups = armed_groups(story)
    if words & ARMED_NOUNS and len(groups) == 1:
        return found | groups
    return found


_AIR_STRIKE = re.compile(
    r"\b(?:drone|air|aerial|missile)\s*-?\s*(?:strikes?|raids?|attacks?|bombardments?)\b|"
    r"\bairstrikes?\b|\bwarplanes?\b|\b(?:fighter|military)\s+(?:jets?|aircraft)\b|"
    r"\bhelicopter\s+gunships?\b|\b(?:barrel|glide)\s+bombs?\b", re.IGNORECASE)


def armed_groups(story: Sequence[Claim]) -> frozenset[str]:
    """The armed groups the story's claims name or quote."""
    names = {speaker_actor(c) for c in story} | {a for c in story for a in
                                                  mentioned_actors(c.text)}
    return frozenset(side(a) for a in names if a and actor_kind(a) == "armed_group")


def generic_heads(name: str) -> frozenset[str]:
    """Stems of the common nouns of a name that could name an armed group ("separatist");
    capitalised words are names, often of a place ("Argelia"), shared by everyone there."""
    words = re.findall(r"\b[a-z]+", re.sub(r"^(?:(?:the|a|an)\s+)?\w", _lower, name, flags=re.I))
    return frozenset(w.rstrip("s") for w in words if len(w) >= 5 and w not in STATE_NOUNS
                     and w not in _GENERIC_HEADS)


def _lower(match: re.Match[str]) -> str:
    return match.group(0).lower()  # a name's first word is capitalised as a sentence would be


def state_sides(story: Sequence[Claim]) -> frozenset[str]:
    """The states among the story's known speakers and accused parties."""
    return _state_sides(tuple(story))


@lru_cache(maxsize=4096)  # asked again for every pair of claims a detector compares
def _state_sides(story: tuple[Claim, ...]) -> frozenset[str]:
    states = _state_actors()
    found = {speaker_side(c) for c in story} | {s for c in story for s in accused_sides(c)}
    return frozenset(s for s in found if s in states)


def story_state(story: Sequence[Claim], besides: str = "") -> str:
    """The story's one state party (other than `besides`): the only state it names,
    `UNNAMED_STATE` when it names none, "" when it names several."""
    states = state_sides(story) - {besides}
    if len(states) > 1:
        return ""
    return next(iter(states)) if states else UNNAMED_STATE


@lru_cache(maxsize=1)
def _state_actors() -> frozenset[str]:
    return frozenset(side(a) for a in table().states.values())


def is_investigator(claim: Claim) -> bool:
    """A prosecutor, court, commission, inquiry, monitor or panel of experts speaking."""
    return bool(_INVESTIGATOR.search(f"{claim.speaker} {claim.speaker_org}"))


@lru_cache(maxsize=8192)
def is_finding(text: str) -> bool:
    """True when a sentence reports evidence or an investigation's result."""
    return bool(_FINDING.search(text)) and not _NOT_FINDING.search(text)


def parties_accused(story: Sequence[Claim]) -> frozenset[str]:
    """Every side some claim of the story accuses or blames back."""
    found: set[str] = set()
    for claim in story:
        if claim.stance == "allegation":
            found |= accused_sides(claim)
        elif is_counter_claim(claim):
            found |= counter_targets(claim, story)
    return frozenset(found)


def is_deflection_flagged(claim: Claim) -> bool:
    return DEFLECTION in claim.flags


def is_deflection(claim: Claim) -> bool:
    return DEFLECTION in claim.flags or claim.stance == "other"


def is_denial(claim: Claim) -> bool:
    """A denial proper: stance `denial` and not a deflection."""
    return claim.stance == "denial" and DEFLECTION not in claim.flags


def is_counter_claim(claim: Claim) -> bool:
    """A claim that blames someone else or asserts its own version of events."""
    if claim.stance == "allegation":
        return bool(accused_sides(claim))
    return is_denial(claim) and bool(COUNTER_FLAGS.intersection(claim.flags))


def accusers_of(parties: Iterable[str], earlier: Sequence[Claim]) -> frozenset[str]:
    """The sides that made an allegation against any of `parties` in `earlier`."""
    wanted = frozenset(parties)
    return frozenset(
        speaker_side(c) for c in earlier
        if c.stance == "allegation" and speaker_side(c) and accused_sides(c) & wanted
    )


def accused_first(claim: Claim, earlier: Sequence[Claim]) -> bool:
    """True when the speaker's side was accused in the story before it accused anyone: it
    answers, it did not start the dispute (the Gaza Health Ministry restating its toll after
    Israel blamed Hamas is still the accuser)."""
    own = speaker_side(claim)
    before = [c for c in earlier if c.id != claim.id and said_before(c, claim)
              and c.stance == "allegation"]
    accused = [c.published for c in before if own in accused_sides(c)
               and speaker_side(c) != own]
    accusing = [c.published for c in before if speaker_side(c) == own
                and accused_sides(c) - {own}]
    if not accused:
        return False
    return not accusing or _moment(min(accusing, key=_moment)) >= _moment(
        min(accused, key=_moment))


def _moment(value: object) -> str:
    return value.isoformat() if hasattr(value, "isoformat") else ""


def blames_back(claim: Claim, earlier: Sequence[Claim]) -> bool:
    """True when the claim's speaker was itself accused before it: a counter-accusation."""
    own = speaker_side(claim)
    return bool(own) and any(
        c.stance == "allegation" and own in accused_sides(c) and said_before(c, claim)
        and c.id != claim.id for c in earlier)


def counter_targets(claim: Claim, earlier: Sequence[Claim]) -> frozenset[str]:
    """Whom a counter-claim blames: its accused (an allegation; "soldiers" being the story's
    only state), or for a denial that blames back, the parties it names, the parties that
    accused its speaker before it, and the story's only other state when it blames "the
    army" by that name alone. `earlier` may hold the answering claim itself."""
    own = speaker_side(claim)
    if claim.stance == "allegation":
        return frozenset(blamed_sides(claim, earlier) - {own})
    named = {side(a) for a in mentioned_actors(claim.text)}
    before = [c for c in earlier if said_before(c, claim)]
    blamed = named | accusers_of(defended_sides(claim), before)
    words = set(re.findall(r"[a-z]+", claim.text.lower()))
    states = state_sides(earlier) - {own}
    if words & _STATE_FORCES and len(states) == 1:
        blamed |= states
    if words & _BLAMED_GROUP:  # "lit by the separatists themselves"
        groups = armed_groups(earlier) - {own}
        if len(groups) == 1:
            blamed |= groups
    return frozenset(blamed - defended_sides(claim) - {""})


def names(claim: Claim) -> str:
    """"Russia (Igor Konashenkov, Russian Defence Ministry)": actor, then who said it."""
    actor = claim.speaker_actor or canonical_actor(claim.speaker_org or claim.speaker)
    detail = [n for n in (claim.speaker, claim.speaker_org) if n and n != actor]
    detail = list(dict.fromkeys(detail))
    if not actor:
        return ", ".join(detail) or "an unnamed source"
    return f"{actor} ({', '.join(detail)})" if detail else actor


def said_before(a: Claim, b: Claim) -> bool:
    """True when `a` was published no later than `b` (or either time is unknown)."""
    if a.published is None or b.published is None:
        return True
    return a.published <= b.published


def speaking_for(claim: Claim) -> str:
    """The party a statement speaks for: its speaker's actor when known; for a denial by an
    unknown speaker, the one party it clears ("claims the Syrian Arab Army used gas were
    fabricated", said an official source)."""
    actor = speaker_actor(claim)
    if is_known(actor) or not is_denial(claim):
        return actor
    owners = claim_owners(claim.text)  # "claims circulated by the White Helmets were false"
    cleared = [s for s in cleared_sides(claim.text) if is_known(s) and s not in owners]
    return cleared[0] if len(cleared) == 1 else actor


def story_parties(story: Sequence[Claim]) -> frozenset[str]:
    """The sides in the story's dispute: every side accused, and every side that accused."""
    accusers = {speaker_side(c) for c in story
                if c.stance == "allegation" and accused_sides(c) - {speaker_side(c)}}
    return frozenset((parties_accused(story) | accusers) - {""})

