"""Casualty figures as intervals, and when two of them cannot both be true.

    interval(casualties)          -> (low, high)     high is math.inf when open-ended
    figure_conflict(new, old)     -> score in [0, 1] (0: compatible or not comparable)

Two figures are compared only for deaths (see OUTCOMES) and for groups that
nest: the same group, or one inside the other (children within civilians within people).
Intervals that intersect are compatible ("at least 20" and "27"). A figure for a subgroup
conflicts with one for its whole only when the part is larger than the whole can be. Small
gaps between exact figures are how tolls get revised (7, then 9), so the score grows with the
ratio between the two intervals and is 0 below `MIN_RATIO`; "no civilians" against any
civilian deaths scores high. A figure announced as a rise ("toll rose to", "two more
bodies") is an update, never a contradiction, and loose words ("several", "a few") are not
compared.
"""

from __future__ import annotations

import math
import re

from monitor.records import Casualties

MIN_VAGUE = 20  # vague figures below "dozens" ("several", "a few") are not compared
MIN_RATIO = 1.35  # below this gap two figures are a revision, not a contradiction
FULL_RATIO = 2.5  # at this gap (and above) the conflict scores FULL_SCORE
BASE_SCORE, FULL_SCORE, NONE_SCORE = 0.55, 0.9, 0.9
ABOUT = 0.2  # "about 50" covers 40-60
# Only death tolls are compared: counts of injured, displaced or "affected" people move too
# much between reports (the wounded die, more are found) to call a gap a contradiction.
OUTCOMES = frozenset({"killed"})

PEOPLE = "people"
CIVILIANS = "civilians"
COMBATANTS = "combatants"
_CIVILIAN_WORDS = frozenset(
    """civilian civilians child children kid kids minor minors baby babies infant infants newborn
    newborns boy boys girl girls pupil pupils student students schoolchild schoolchildren
    woman women villager villagers resident residents migrant migrants refugee refugees
    displaced patient patients worshipper worshippers passenger passengers tourist tourists
    visitor visitors journalist journalists medic medics doctor doctors nurse nurses
    humanitarian aid worker workers farmer farmers herder herders monk monks family families
    elderly teen teens teenager teenagers shopper shoppers protester protesters
    demonstrators hostages""".split()
)
_COMBATANT_WORDS = frozenset(
    """soldier soldiers fighter fighters militant militants terrorist terrorists troop troops
    rebel rebels operative operatives bandit bandits insurgent insurgents jihadist jihadists
    combatant combatants militiamen militiaman gunman gunmen""".split()
)
# Words a report uses for all the civilian dead at once (not a part of them, like "children").
_CIVILIAN_SYNONYMS = frozenset("villager villagers resident residents".split())
# Soldiers are counted apart from the fighters they fight.
_STATE_COMBATANTS = frozenset("soldier soldiers troop troops".split())
_PEOPLE_WORDS = frozenset(
    "people person persons dead victims victim bodies body individuals".split()
)
_RISE = re.compile(
    r"\b(rose|rise[sn]?|rising|climbed|climbs|increased|bringing the (death )?toll|"
    r"toll (to|now)|now stands|updated|revised|raises?d?|\w+ more (bodies|dead|deaths))\b",
    re.I,
)


def interval(figure: Casualties) -> tuple[float, float]:
    """The range of counts a figure allows."""
    low = figure.min if figure.min is not None else 0
    high: float = figure.max if figure.max is not None else math.inf
    if figure.qualifier == "none":
        return 0.0, 0.0
    if figure.qualifier == "exact" and figure.max is None:
        high = low
    if figure.qualifier == "at_least":
        high = math.inf
    if figure.qualifier == "at_most":
        low, high = 0, float(figure.max if figure.max is not None else figure.min or 0)
    if figure.qualifier == "about" and figure.min is not None and low == high:
        low, high = math.floor(low * (1 - ABOUT)), math.ceil(high * (1 + ABOUT))
    return float(low), float(high)


def group(who: str) -> tuple[str, str]:
    """(broad group, specific group) of a `who`: ("civilians", "children")."""
    name = " ".join((who or "").lower().split()) or PEOPLE
    words = set(name.split())
    if name in ("civilian", "civilians"):
        return CIVILIANS, CIVILIANS
    if name in ("combatant", "combatants"):
        return COMBATANTS, COMBATANTS
    if words & _CIVILIAN_WORDS:
        return CIVILIANS, CIVILIANS if words & _CIVILIAN_SYNONYMS else name
    if words & _COMBATANT_WORDS:  # "fighters", "rebels", "militants": one group in a toll
        return COMBATANTS, COMBATANTS if not words & _STATE_COMBATANTS else name
    return PEOPLE, PEOPLE if name in _PEOPLE_WORDS else name


def nesting(a: str, b: str) -> str:
    """"same", "a_in_b", "b_in_a" or "" (not comparable) for two `who` values."""
    (ga, sa), (gb, sb) = group(a), group(b)
    if sa == sb:
        return "same"
    if sb == PEOPLE or (ga == gb and sb in (CIVILIANS, COMBATANTS)):
        return "a_in_b"
    if sa == PEOPLE or (ga == gb and sa in (CIVILIANS, COMBATANTS)):
        return "b_in_a"
    return ""


def figure_conflict(new: Casualties, old: Casualties, new_text: str = "") -> float:
    """How surely `new` and `old` cannot both be true (0 when they can)."""
    if not _same_outcome(new, old):
        return 0.0
    if _loose(new) or _loose(old) or _RISE.search(new_text):
        return 0.0  # a rising toll ("rose to seven after two more bodies") is an update
    relation = nesting(new.who, old.who)
    if not relation:
        return 0.0
    (nlo, nhi), (olo, ohi) = interval(new), interval(old)
    if relation == "a_in_b":  # the part may not exceed the whole
        return _gap(ohi, nlo)
    if relation == "b_in_a":
        return _gap(nhi, olo)
    if nlo > ohi:  # the new figure is higher
        return _gap(ohi, nlo)
    if olo > nhi:
        return _gap(nhi, olo)
    return 0.0


def _same_outcome(new: Casualties, old: Casualties) -> bool:
    """Both tolls of the dead, or one of them says nobody was harmed at all ("no civilians
    were affected" against "two civilians killed")."""
    if new.outcome == old.outcome:
        return new.outcome in OUTCOMES
    return any(a.qualifier == "none" and b.outcome in OUTCOMES and b.qualifier != "none"
               for a, b in ((new, old), (old, new)))


def _loose(figure: Casualties) -> bool:
    """"Several", "a few": too loose to contradict anything."""
    return figure.qualifier == "vague" and (figure.max or 0) < MIN_VAGUE


def _gap(upper_of_lower: float, lower_of_upper: float) -> float:
    """Score of the gap between an interval ending at `upper_of_lower` and one starting at
    `lower_of_upper`; 0 when they overlap or are too close to call."""
    if lower_of_upper <= upper_of_lower:
        return 0.0
    if upper_of_lower <= 0:
        return NONE_SCORE if lower_of_upper >= 1 else 0.0
    ratio = lower_of_upper / upper_of_lower
    if ratio < MIN_RATIO:
        return 0.0
    share = min(1.0, (ratio - MIN_RATIO) / (FULL_RATIO - MIN_RATIO))
    return round(BASE_SCORE + (FULL_SCORE - BASE_SCORE) * share, 4)
