"""Parties the actor table does not know, named two ways in one story, made one party.

Reports name a party the table does not know in full once and short after, or short in a
headline: "the Multinational Security Support mission" and "MSS", "the Stability Support
Apparatus" and "SSA", "the Radaa Special Deterrence Force" and "Radaa", "the Oromia regional
government" and "Oromia". Compared as written, the mission's denial would answer nobody's
charge against "MSS". Here

    resolve_aliases(story)   the story's claims, each unknown speaker or accused named by
                             another name of the story given that one name

Two unknown names are one party when one is an acronym of the other's capitalised words
("SSA" for "Stability Support Apparatus") or the other begins with all of its words ("Radaa"
and "Radaa Special Deterrence Force"). A name made only of role words ("Government", "the
Ministry") or starting with a demonym of a known state ("Somali Region") joins nothing: those
belong to whoever the report means. Known actors are never renamed. Pure; no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from monitor.detect.parties import (
    UNNAMED_STATE,
    abbreviates,
    is_generic,
    is_known,
    name_words,
    named_sides,
    side,
    speaker_actor,
    split_accused,
)
from monitor.detect.speakers import is_role
from monitor.nlp.actors import canonical_actor
from monitor.records import Claim

_ACRONYM = re.compile(r"[A-Z][A-Z0-9]{1,5}")


def resolve_aliases(story: Sequence[Claim]) -> list[Claim]:
    """The story's claims, each unknown speaker and accused that the story also names another
    way given the story's one name for that party (in `speaker_actor` and `accused_actor`)."""
    names = alias_map(_unknown_names(story))
    if not names:
        return list(story)
    out = []
    for claim in story:
        speaker = names.get(speaker_actor(claim), "") or claim.speaker_actor
        accused = next((names[n] for n in _accused_names(claim) if n in names), "")
        if is_known(claim.accused_actor) or not accused:
            accused = claim.accused_actor
        if (speaker, accused) != (claim.speaker_actor, claim.accused_actor):
            claim = replace(claim, speaker_actor=speaker, accused_actor=accused)
        out.append(claim)
    return out


def alias_map(names: Iterable[str]) -> dict[str, str]:
    """Each name that is one party with another of `names`, mapped to the party's one name
    (its shortest full name: "Radaa", "Stability Support Apparatus")."""
    usable = sorted({n for n in names if _may_join(n)}, key=lambda n: (len(n), n))
    parent = {n: n for n in usable}

    def root(name: str) -> str:
        while parent[name] != name:
            name = parent[name]
        return name

    for i, short in enumerate(usable):
        for long in usable[i + 1:]:
            if same_party(short, long):
                first, second = sorted((root(short), root(long)), key=_preference)
                parent[second] = first
    out = {n: root(n) for n in usable}
    return {n: r for n, r in out.items() if n != r or any(
        m != n and out[m] == n for m in usable)}


def same_party(short: str, long: str) -> bool:
    """"SSA" and "Stability Support Apparatus"; "Radaa" and "Radaa Special Deterrence Force"."""
    words, full = name_words(short), name_words(long)
    if not words or len(words) >= len(full):
        return False
    if len(words) == 1 and _ACRONYM.fullmatch(words[0]) and len(words[0]) == len(full):
        return abbreviates(words[0], full)
    return full[: len(words)] == words


def _preference(name: str) -> tuple[bool, int, str]:
    """The name a party goes by: a full name before an acronym, then the shortest."""
    return bool(_ACRONYM.fullmatch(name)), len(name), name


def _may_join(name: str) -> bool:
    if not name or name == UNNAMED_STATE or is_known(name) or is_role(name) or is_generic(name):
        return False
    words = name_words(name)
    return bool(words) and not named_sides(words[0] + " forces")


def _unknown_names(claims: Iterable[Claim]) -> set[str]:
    found: set[str] = set()
    for claim in claims:
        found.add(side(speaker_actor(claim)))
        found.update(_accused_names(claim))
    return {n for n in found if n and not is_known(n)}


def _accused_names(claim: Claim) -> list[str]:
    names = [claim.accused_actor] + [canonical_actor(p) for p in split_accused(claim.accused)]
    return [side(n) for n in names if n]
