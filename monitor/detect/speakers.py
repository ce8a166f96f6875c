"""Speakers named only by their role, resolved to the party they speak for.

Reports name a speaker once and then only by role: "The Nigerian Air Force said ... The Air
Force's spokesman said ...", "The UN Human Rights Office said ... The office said ...". The
extractor leaves such a speaker unknown, so its denial would answer nobody. Here

    resolve_speakers(claims)                 within one article: the party quoted nearest
                                             before (a known one first), or after (a headline)
    resolve_state_organs(claims, story)      "the Ministry of Defence" with nobody quoted near
                                             it: the story's only state party (or, in a
                                             story naming no state, `UNNAMED_STATE`; in
                                             one naming several, the state whose own
                                             outlet published it)

give such claims the party's actor (and, for a denial or admission, the accused that follows
its speaker). Other claims come back unchanged. Pure functions; no I/O.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from functools import lru_cache

from monitor.detect.parties import (
    NON_STATE,
    abbreviates,
    is_known,
    name_words,
    named_sides,
    speaker_actor,
    state_sides,
    story_state,
)
from monitor.records import Claim

# Speakers named only by their role ("the spokesman", "the office", "the information team"):
# in a report they stand for the party the report quoted before (or, in a headline, after).
ROLE_WORDS = frozenset("""spokesman spokeswoman spokesperson spokespeople spokespersons office
    ministry military army air force forces armed paramilitary security team statement group
    source sources official officials officer officers representative representatives command
    government authorities authority agency militia movement department service unit commander
    commanders leadership headquarters communique press information party organisation
    organization defence defense interior foreign communication communications of for he she
    it they we his her its their our the a an this that said new division brigade battalion
    regiment corps general staff chief chiefs and minister ministers prime president presidency
    presidential premier cabinet junta transitional federal high police gendarmerie
    navy naval infantry marines communique release th st nd rd brigadier colonel col major
    maj lieutenant lt captain capt sergeant gen admiral""".split())
# Role words that name an organ of a state: with no party quoted nearby, such a speaker is
# the story's only state ("the defence ministry" in a story whose one state is Cameroon).
STATE_ORGANS = frozenset("""ministry military army air force forces armed defence defense
    interior foreign government police security division brigade battalion regiment
    corps staff minister prime president presidency presidential premier cabinet junta
    transitional gendarmerie navy naval infantry service communication communications""".split())


# Words that make a council the ruling organ of a state ("the military council", "the
# Transitional Sovereignty Council").
_RULING = frozenset({"military", "transitional", "sovereign", "sovereignty"})


@lru_cache(maxsize=8192)  # asked for every claim of every article a story loads
def is_role(name: str) -> bool:
    """True for a speaker named only by a role: "The spokesman", "the military's statement",
    "the 6th Infantry Division", "the government spokesman and communication minister"."""
    words = _words(name) - {"national"}  # "the National Police Service"; not "National" alone
    if words & _RULING:  # "the military council" rules a state; "the Security Council" not
        words -= {"council"}
    return bool(words) and words <= ROLE_WORDS


def _words(name: str) -> frozenset[str]:
    """The lower-case, accent-free words of a name without its trailing place."""
    return frozenset(w for w in re.findall(r"[a-z]+", _plain(_head(name))) if len(w) > 1)


def _head(name: str) -> str:
    """The name without a trailing place: "Defence and Security Forces in Niassa"."""
    return re.split(r"\s+(?:in|for)\s+(?=[A-Z])", name, maxsplit=1)[0]


def resolve_speakers(claims: Sequence[Claim]) -> list[Claim]:
    """The claims of one article, each speaker named only by a role given the party the
    report quoted nearest before it (a known party first, else any named one), or failing
    that after it (a headline); a denial's or admission's accused follows its speaker.
    Other claims come back unchanged."""
    ordered = sorted(claims, key=lambda c: c.index)
    named = [(i, speaker_actor(c)) for i, c in enumerate(ordered)
             if speaker_actor(c) and (is_known(speaker_actor(c)) or not _role_named(c))]
    out = []
    for i, claim in enumerate(ordered):
        if _needs_context(claim):
            actor = _context_actor(i, named)
        else:
            actor = _spelled_out(claim, ordered)
        out.append(_with_speaker(claim, actor) if actor else claim)
    return out


def _spelled_out(claim: Claim, article: Sequence[Claim]) -> str:
    """The known party of an unknown acronym speaker, from the speaker of the same article
    whose name it abbreviates ("SNA: ..." then "The Somali National Army said ...")."""
    name = (claim.speaker or claim.speaker_org).strip()
    if not re.fullmatch(r"[A-Z]{2,6}", name) or is_known(speaker_actor(claim)):
        return ""
    for other in article:
        actor = speaker_actor(other)
        if not is_known(actor):
            continue
        if any(abbreviates(name, name_words(full)) for full in (other.speaker,
                                                              other.speaker_org)):
            return actor
    return ""


def resolve_state_organs(claims: Sequence[Claim], story: Sequence[Claim]) -> list[Claim]:
    """Claims whose speaker is still only a role naming a state organ ("the Ministry of
    Defence"), given the story's only state party; others unchanged."""
    state = story_state([*story, *claims])
    if state:
        return [_with_speaker(c, state) if _state_organ(c) else c for c in claims]
    states = state_sides([*story, *claims])  # several: the one whose own outlet published it
    return [_with_speaker(c, own) if _state_organ(c) and (own := _own_outlet(c, states)) else c
            for c in claims]


def _own_outlet(claim: Claim, states: frozenset[str]) -> str:
    """The state whose own organ published the claim ("Ethiopian Government Communication
    Service", "Ministry of Defence of Ukraine"), among the story's `states`; else ""."""
    if not _words(claim.source) & STATE_ORGANS:
        return ""
    named = named_sides(claim.source) & states
    return next(iter(named)) if len(named) == 1 else ""


def _state_organ(claim: Claim) -> bool:
    if not _needs_context(claim) or _words(claim.speaker) & NON_STATE:  # "paramilitary force"
        return False
    for name in (claim.speaker, claim.speaker_org, claim.speaker_actor):  # "Government
        # spokesman <name> said": the name is no role, its organisation is
        if name and is_role(name) and _words(name) & STATE_ORGANS:
            return True
    return False


def _plain(name: str) -> str:
    """Lower case without accents: "Communiqué" -> "communique"."""
    decomposed = unicodedata.normalize("NFKD", name.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _role_named(claim: Claim) -> bool:
    """Named only by a role, or speaking for an organisation named only by one ("the army's
    Sixth Division": its organisation is "army"), or by a role and a person's name
    ("Government spokesperson Maxime Balalou")."""
    name = claim.speaker or claim.speaker_org or claim.speaker_actor
    return is_role(name) or is_role(title(name)) or (
        bool(claim.speaker_org) and is_role(claim.speaker_org))


def title(name: str) -> str:
    """The role before a person's name ("Government spokesperson" in "Government spokesperson
    Maxime Balalou", "Army spokesman" in "Army spokesman Col. Ali Musa"), or ""."""
    words = name.split()
    for i in range(1, len(words)):
        rest = words[i:]
        if not all(_plain(w).strip(".") in ROLE_WORDS for w in words[:i]):
            return ""
        named = all(re.fullmatch(r"[A-Z][\w'.-]*", w) for w in rest)
        if len(rest) <= 4 and named and _plain(rest[0]).strip(".") not in ROLE_WORDS:
            head = " ".join(words[:i])
            return head if _words(head) - _FUNCTION else ""
    return ""


_FUNCTION = frozenset("of for he she it they we his her its their our the an this that said "
                      "and new".split())


def _needs_context(claim: Claim) -> bool:
    return not is_known(speaker_actor(claim)) and _role_named(claim)


def _context_actor(position: int, named: Sequence[tuple[int, str]]) -> str:
    """Before: the nearest known party, else the nearest named; after: the same."""
    for chosen in ([(i, a) for i, a in named if i < position][::-1],
                   [(i, a) for i, a in named if i > position]):
        known = [a for _, a in chosen if is_known(a)]
        if known or chosen:
            return known[0] if known else chosen[0][1]
    return ""


def _with_speaker(claim: Claim, actor: str) -> Claim:
    own = claim.stance in ("denial", "admission") and not is_known(claim.accused_actor)
    if not own:
        return replace(claim, speaker_actor=actor)
    accused = actor if not claim.accused or is_role(claim.accused) else claim.accused
    return replace(claim, speaker_actor=actor, accused=accused, accused_actor=actor)

