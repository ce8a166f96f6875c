"""Denials: the accused party rejects an earlier allegation of its story.

    find_denials(claim, earlier) -> [Alert]   at most one alert, answering every match

A new claim is a denial of an earlier claim when
- it has stance `denial` and is no deflection ("hadn't seen the report" is not a denial);
- the earlier claim is an `allegation` whose accused side is the denier's side, or the side
  the denial speaks for (its `accused`): Konashenkov denying Amnesty's charge against Russia;
- when the allegation names the accused generically, "soldiers" in a story whose only
  state is the denier's, or "separatist fighters" denied by "separatist leaders";
- when the speaker is not a known actor ("the ministry said"), the denial's own words name
  the accused party ("claims the Syrian Arab Army used toxic gas were fabricated");
- or the earlier claim is a counter-claim (B blames A back, or justifies itself) and the
  denier is the party it blames: A rejecting "it was A's own rocket";
- or the denial names whose claim it rejects ("rejected Moscow's claim that ...", "the
  Houthi claim", "claims by Syrian authorities") and the earlier claim is that party's.
The accused's own account of the act as a hit on fighters or a military target ("neutralised
three PKK terrorists") is a justification, and answers the charge with less weight
(`MATCH_JUSTIFICATION`). The accused accusing someone else in no denying words is no denial:
in a border clash each side accusing the other is two allegations, and a counter-accusation
taken for the denial made the real denial that followed look like its re-report
(`is_counter_allegation` is the accused's version, which findings may contradict).
An allegation that names no accused but names the denier's side in passing ("beatings in
Russian detention") is answered by that side, more weakly (`MATCH_NAMED_ONLY`).
A party the actor table does not know answers a charge naming it ("AAKG" for "fighters of
the Azande Ani Kpi Gbe militia"). Rejecting another party's battle claim (its account of
its own operation, or a count of the denier's own dead, telling of no civilian harm) denies
no wrong: it is a contradiction (`battle_claims`, `contradictions.by_rejection`).
Only claims about war are answered (an armed group blamed, or violence told): an electoral
commission denying rigging is no alert. A denial nobody is quoted saying raises nothing.
A party never denies its own claim, and admissions are never alerts. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.detect import figures, parties
from monitor.nlp.actors import actor_kind
from monitor.records import Alert, Claim
from monitor.text import short_id

KIND = "denial"
DEFAULT_STANCE_SCORE = 0.75  # a claim from an extractor that gives no stance score
MATCH_SPEAKER = 1.0  # the denier is the accused party itself
MATCH_ON_BEHALF = 0.9  # the denier speaks for the accused party
MATCH_COUNTER = 0.9  # the denier is the party a counter-claim blames
MATCH_NAMED = 0.8  # an unknown speaker's denial names the accused party as not guilty
MATCH_GENERIC = 0.75  # the allegation names the accused generically ("soldiers")
MATCH_OWNER = 0.9  # the denial names whose claim it rejects ("Moscow's claim that ...")
MATCH_JUSTIFICATION = 0.7  # the accused calls its act a hit on fighters, in no denying words
MATCH_NAMED_ONLY = 0.7  # an allegation with no accused names the denier's side in passing
ANSWERABLE = frozenset({"allegation", "denial"})
# A denial at least this sure of whom it answers (the party itself, or a claim it names)
# answers a party's version of events as a dispute about war when the charge it answered was.
CHAINED = MATCH_COUNTER


@dataclass(frozen=True)
class Match:
    claim: Claim
    strength: float
    counter: bool


def find_denials(claim: Claim, earlier: Sequence[Claim], story_id: str = "") -> list[Alert]:
    """One `denial` alert if `claim` rejects earlier allegations or counter-claims, else []."""
    matches = answers(claim, earlier)
    if not matches:
        return []
    strength = max(m.strength for m in matches)
    return [Alert(
        id=short_id("al", claim.id, KIND), kind=KIND, claim_id=claim.id, story_id=story_id,
        answers=tuple(m.claim.id for m in matches), reason=reason(claim, matches),
        score=round((stance_confidence(claim) + strength) / 2, 4),
        extra={"counter": any(m.counter for m in matches), "match": strength},
    )]


def answers(claim: Claim, earlier: Sequence[Claim], versions: bool = False) -> list[Match]:
    """The earlier claims `claim` rejects as a denial (or a justification). `versions`: also
    those a counter-allegation answers, the accused's version of events that findings may
    contradict, though no denial alert."""
    if parties.is_denial(claim) and not _finding_by_outsider(claim, earlier):
        owners = parties.claim_owners(claim.text, earlier, parties.speaker_side(claim))
        matches = [m for m in (match(claim, e, earlier, owners) for e in earlier)
                   if m is not None]
    elif is_justification(claim, earlier) or versions and is_counter_allegation(claim, earlier):
        owners = parties.claim_owners(claim.text, earlier, parties.speaker_side(claim))
        matches = [Match(m.claim, min(m.strength, MATCH_JUSTIFICATION), m.counter)
                   for m in (match(claim, e, earlier, owners) for e in earlier)
                   if m is not None and m.claim.stance == "allegation"]
    else:
        return []
    matches = [m for m in matches if is_armed_dispute(m.claim, earlier, m.strength >= CHAINED)
               and not is_own_losses(claim, m.claim)]
    if matches:
        disputed = battle_claims(claim, earlier)
        matches = [m for m in matches if m.claim.article_id not in disputed]
    if not parties.speaking_for(claim) and not claim.speaker.strip():
        return []  # a denial nobody said is nothing a desk can act on
    return matches


def is_counter_allegation(claim: Claim, story: Sequence[Claim]) -> bool:
    """An allegation by a party the story accused before it accused anyone, blaming a party
    nobody in the story accused before: the accused pointing elsewhere (not the accuser
    restating its charge, nor a party joining an accusation already made)."""
    own = parties.speaker_side(claim)
    if claim.stance != "allegation" or not own or not claim.accused:
        return False
    blamed = parties.accused_sides(claim)
    before = [c for c in story if c.article_id != claim.article_id]
    return own not in blamed and parties.accused_first(claim, before) and (
        not blamed & parties.parties_accused(before))  # the costly test last


def is_own_losses(denial: Claim, answered: Claim) -> bool:
    """The answered claim counts the denier's own fighters dead ("al-Shabaab says it killed
    12 Kenyan soldiers", "the army killed 47 FACT rebels"): rejecting it disputes a toll
    (a contradiction, if the figures clash), it does not deny a wrong the denier is accused
    of."""
    dead = [f for f in answered.casualties if f.outcome == "killed" and (f.min or 0) > 0]
    if not dead or any(figures.group(f.who)[0] != figures.COMBATANTS for f in dead):
        return False
    denier = parties.speaker_side(denial)
    kind = actor_kind(denier)
    state_dead = any((f.who.lower().split() or [""])[-1] in _STATE_DEAD for f in dead)
    if denier == parties.UNNAMED_STATE or kind in ("state", "authority"):
        return state_dead
    return kind == "armed_group" and not state_dead


def battle_claims(denial: Claim, story: Sequence[Claim]) -> frozenset[str]:
    """The articles of `story` whose claims the denier may reject without denying any wrong,
    telling of no harm to civilians: a count of its own dead (`is_own_losses`, in any
    sentence of the article), or another party's account of its own operation ("jets
    destroyed a missile production site", "the army repelled an attack by FACT rebels",
    "claims drone strike on Ain al-Asad"). Rejecting those disputes a battle claim, a
    contradiction at most. A counter-claim (the accused blaming the denier back) is never
    one."""
    by_article: dict[str, list[Claim]] = {}
    for c in story:
        by_article.setdefault(c.article_id, []).append(c)
    denier = parties.speaker_side(denial)
    found: set[str] = set()
    for article, claims in by_article.items():
        text = " ".join(c.text for c in claims)
        if _PROTECTED.search(text) or any(parties.blames_back(c, story) for c in claims):
            continue
        speakers = {parties.speaker_side(c) for c in claims} - {denier, ""}
        if any(is_own_losses(denial, c) for c in claims) or (
                any(parties.is_known(s) for s in speakers) and _OWN_OPERATION.search(text)):
            found.add(article)
    return frozenset(found)


# A party's account of its own operation: "claims drone strike", "repelled", "destroyed a
# missile production site" (not "its units took retaliatory measures": a victim says that).
_OWN_OPERATION = re.compile(
    r"\bclaim(?:s|ed)?\s+(?:responsibility\b|(?:the\s+|a\s+|an\s+)?(?:\w+\s+){0,2}?"
    r"(?:strikes?|attacks?|assault|ambush|raid|operation)\b|(?:to\s+have\s+)?"
    r"(?:killed|destroyed|downed|hit)\b)"
    r"|\b(?:repelled|repulsed|foiled|thwarted|intercepted|shot\s+down|downed)\b"
    r"|\b(?:destroyed|neutrali[sz]ed|eliminated|captured|seized)\s+(?:\w+\s+){0,4}?"
    r"(?:terrorists?|militants?|rebels?|insurgents?|fighters|jihadists?|assailants|attackers|"
    r"bases?|positions?|sites?|depots?|launchers?|headquarters|posts?|tanks?|vehicles|"
    r"equipment|radars?)\b", re.IGNORECASE)
# Harm to people a war must spare, or to their places: such a claim is an allegation.
_PROTECTED = re.compile(
    r"\b(?:civilians?|residents?|villagers?|children|child|boys?|girls?|women|woman|"
    r"famil(?:y|ies)|homes?|houses?|hospitals?|clinics?|schools?|markets?|mosques?|churche?s?|"
    r"camps?|displaced|refugees?|shelters?|worshipp?ers|farmers|fishermen|miners|herders|"
    r"traders|students|medics|doctors|nurses|patients|journalists|aid|humanitarian|"
    r"apartments?|residential|neighbou?rhoods?|massacre\w*|execut\w+|summar\w+|tortur\w*|"
    r"rap(?:e|ed)|abduct\w*|detainees?|prisoners?|loot\w*|torch\w*|chemical|chlorine|sarin|"
    r"cluster|indiscriminate\w*|war\s+crimes?|wedding|funeral|bus(?:es)?|passengers|pilgrims|"
    r"tents?|ambulances?|unarmed|innocent|migrants|crowd|shoppers|vendors|teachers|mourners|"
    r"people|villages?|town)\b", re.IGNORECASE)


_STATE_DEAD = frozenset("soldier soldiers troop troops servicemen personnel officers policemen "
                        "guards marines".split())


def is_armed_dispute(answered: Claim, story: Sequence[Claim], chained: bool = False) -> bool:
    """The answered claim is about war: it blames an armed group or tells of violence, or
    (`chained`) it is a party's answer to an earlier charge that does. A minister denying a
    leak, an electoral commission denying rigging, is no alert even when the topic reader
    mistook the story for war news."""
    if _tells_of_war(answered, story):
        return True
    if not chained or not _HARM.search(answered.text) or _STAGED.search(answered.text) or (
            answered.stance == "allegation" and not _answering(answered, story)):
        return False
    # the accused's own version ("the deaths resulted from clashes started by the Liyu
    # police") is as much about war as the charge it answers
    return any(c.stance == "allegation" and c.article_id != answered.article_id
               and parties.said_before(c, answered) and _tells_of_war(c, story)
               and parties.speaker_side(c) != parties.speaker_side(answered) for c in story)


def _answering(claim: Claim, story: Sequence[Claim]) -> bool:
    """The claim is its speaker's answer to a charge: accused before, or said in a report of
    that party's denial ("rejected the accusation as baseless ... said the deaths resulted
    from clashes started by the Liyu police")."""
    own = parties.speaker_side(claim)
    return parties.blames_back(claim, story) or bool(own) and any(
        c.article_id == claim.article_id and parties.is_denial(c)
        and parties.speaker_side(c) == own for c in story)


# Harm a version of events may blame on someone ("the deaths resulted from clashes started by
# the Liyu police"), not a charge of lying ("accused Addis Ababa of manufacturing incidents").
_HARM = re.compile(r"\b(?:deaths?|dead|killed|killing|killings|died|wounded|injured|harmed|"
                   r"casualties|victims|bodies|massacre)\b", re.IGNORECASE)


# A version calling the harm staged blames the accuser for lying, not for the act: the
# accuser rejecting it restates its charge ("claims of dead pensioners are a staged
# provocation" -> "Ukrainian officials called the claim cynical").
_STAGED = re.compile(r"\b(?:stag(?:ed|ing)|provocations?|fabricat\w*|manufactur\w*|fake\w*|"
                     r"hoax\w*|invent\w*|propaganda|disinformation|misinformation|lies?)\b",
                     re.IGNORECASE)


def _tells_of_war(claim: Claim, story: Sequence[Claim]) -> bool:
    sides = parties.blamed_sides(claim, story) | parties.named_sides(claim.text)
    if any(actor_kind(s) == "armed_group" for s in sides):
        return True
    return bool(_VIOLENCE.search(claim.text))


# Words of armed violence. Deaths alone ("23 killed in a plant blast", "patients died") and
# words with a peaceful sense ("fired staff", "an attack on our reputation") are not enough.
_VIOLENCE = re.compile(
    r"\b(?:shell(?:s|ed|ing)|bomb(?:s|ed|ing|ings|ardment)?|air\s*strikes?|strikes?|struck|"
    r"drones?|missiles?|rockets?|artillery|mortars?|shot\s+dead|shoot\w*|gunfire|gunmen|"
    r"tortur\w*|massacre\w*|execut(?:ed|ion|ions)|summarily|abduct\w*|raid\w*|looted|"
    r"rap(?:e|ed)|troops|soldiers|army|military|fighters|militia\w*|rebels?|militants?|"
    r"insurgents?|jihadists?|terrorists?|armed\s+(?:forces|men|groups?|factions?)|"
    r"security\s+forces|war\s+crimes?|"
    r"prisoners\s+of\s+war|ambush\w*|attackers|assailants|combatants|civilians?|"
    r"displaced|ceasefire|frontline|front\s+line|chemical\s+(?:attack|weapons?)|"
    r"chlorine|sarin|munitions|warplanes?|jets?|helicopters?|mercenar\w+|paramilitar\w+|"
    r"occupation\s+forces|gunships?|sniper\w*|landmines?)\b", re.IGNORECASE)


def is_justification(claim: Claim, story: Sequence[Claim]) -> bool:
    """The accused's own account of the act as a hit on combatants or a military target
    ("Turkish intelligence neutralised three PKK terrorists", "the strike destroyed a rocket
    launch site"), in a sentence the stance reader took for a plain report: justifying the
    act as a legitimate target denies the charge, whatever the words. Only from a party the
    story accused before."""
    own = parties.speaker_side(claim)
    if claim.stance not in ("other", "allegation") or not parties.is_known(own) or (
            parties.DEFLECTION in claim.flags) or not JUSTIFYING.search(claim.text):
        return False
    before = [c for c in story if c.article_id != claim.article_id]
    return any(c.stance == "allegation" and parties.speaker_side(c) != own
               and own in parties.blamed_sides(c, before) for c in before)


JUSTIFYING = re.compile(
    r"\b(?:neutrali[sz]\w*|eliminat\w*|kill\w*|destroy\w*|struck|strikes?|hit|target\w*)\b"
    r"[^.;]{0,60}?\b(?:terrorists?|militants?|insurgents?|jihadists?|bandits?|gunmen|operatives?|"
    r"combatants?|(?:military|legitimate) targets?|command (?:post|centre|center)s?|hideouts?|"
    r"launch(?:ing)? (?:pads?|sites?)|(?:weapons?|ammunition) (?:depots?|stores?))\b"
    r"|\b(?:those|people) killed were\b|\b(?:the dead|the victims) were (?:\w+ )?"
    r"(?:terrorists|militants|fighters|rebels|combatants)\b",
    re.IGNORECASE)


def match(denial: Claim, other: Claim, story: Sequence[Claim],
          owners: frozenset[str] | None = None) -> Match | None:
    """How `denial` answers `other`, or None when it does not. `owners`: the sides whose
    claims the denial names (`parties.claim_owners`), when the caller has them."""
    if other.article_id == denial.article_id or other.stance not in ANSWERABLE:
        return None
    denier = parties.speaker_side(denial)
    if denier and denier == parties.speaker_side(other):
        return None  # nobody denies their own side's claim
    if owners is None:
        owners = parties.claim_owners(denial.text, story, parties.speaker_side(denial))
    if _outsider(denial, story):  # an outsider denies only a charge against itself
        own = other.stance == "allegation" and denier in parties.accused_sides(other)
        return Match(other, MATCH_SPEAKER, parties.blames_back(other, story)) if own else None
    if parties.speaker_side(other) in owners and parties.is_denial(other) | (
            other.stance == "allegation"):
        counter = other.stance == "denial" or parties.blames_back(other, story)
        return Match(other, MATCH_OWNER, counter=counter)
    if other.stance == "allegation":
        found = _answers_allegation(denial, other, story, owners)
        if found is not None:
            return found
    if parties.is_counter_claim(other) and parties.is_known(denier):  # not "witnesses"
        if denier in parties.counter_targets(other, [*story, denial]):
            return Match(other, MATCH_COUNTER, counter=True)
    return None


def _answers_allegation(denial: Claim, other: Claim, story: Sequence[Claim],
                        owners: frozenset[str]) -> Match | None:
    accused = parties.accused_sides(other)
    counter = parties.blames_back(other, story)
    denier = parties.speaker_side(denial)
    if denier and denier in accused:
        return Match(other, MATCH_SPEAKER, counter=counter)
    if not any(parties.is_known(a) for a in accused):  # "the separatists", "a drone strike"
        if denier in parties.blamed_sides(other, [*story, denial]) or (
                parties.generic_heads(other.accused) & parties.generic_heads(
                    f"{denial.speaker} {denial.speaker_org} {denial.speaker_actor}")) or (
                _state_answers_generic(denial, other, story)):
            return Match(other, MATCH_GENERIC, counter=counter)
    if parties.accused_sides(denial) & accused and not same_side(denial, other):
        return Match(other, MATCH_ON_BEHALF, counter=counter)
    if not parties.is_known(denier) and not same_side(denial, other) and (
            same_name(denier, other.accused)):  # "AAKG" for "fighters of the Azande Ani Kpi Gbe"
        return Match(other, MATCH_GENERIC, counter=counter)
    if not other.accused and parties.is_known(denier) and not same_side(denial, other) and (
            denier in parties.named_sides(other.text)):  # "beatings in Russian detention"
        return Match(other, MATCH_NAMED_ONLY, counter=counter)
    if not parties.is_known(denier):  # "the ministry said": who is cleared, from the text
        named = parties.cleared_sides(denial.text) - owners
        if named & accused and parties.speaker_side(other) not in named:
            return Match(other, MATCH_NAMED, counter=counter)
    return None


def _outsider(denial: Claim, story: Sequence[Claim]) -> bool:
    """A speaker no party to the dispute: a rights group or UN body, witnesses, or a reporter
    ("state broadcaster CRTV" reporting its government's claim). Rejecting a party's claim,
    such a speaker contradicts it at most."""
    denier = parties.speaker_side(denial)
    if not denier or denier == parties.UNNAMED_STATE:
        return False
    if parties.is_known(denier):
        return actor_kind(denier) in parties.OBSERVER_KINDS
    words = set(re.findall(r"[a-z]+", denier.lower())) & _REPORTERS
    if words <= _PRESS and any(parties.is_known(s) for s in parties.named_sides(denier)):
        return False  # "SDF media centre": a party's own press office speaks for it
    return bool(words)


_PRESS = frozenset("media television tv radio agency news".split())
_REPORTERS = frozenset("""witness witnesses resident residents broadcaster broadcasters media
    television tv radio agency newspaper news journalist journalists reporter reporters
    correspondent villagers survivors relatives families doctors medics hospital footage
    imagery satellite video videos photos photographs images records evidence analysis
    investigators researchers experts commission rights watchdog observatory monitors
    analyst analysts medical hospitals nurses paramedics society community""".split())


def _state_answers_generic(denial: Claim, other: Claim, story: Sequence[Claim]) -> bool:
    """"Police fire killed 11" in a story with two states (Haiti and the Kenyan-led mission):
    a state of the story denying answers the charge against state forces named generically
    (in an allegation naming no accused, by its words: "men in government uniform"), unless
    the allegation is its own."""
    denier = parties.speaker_side(denial)
    if not denier or denier == parties.speaker_side(other) or not (
            denier == parties.UNNAMED_STATE or actor_kind(denier) == "state"):
        return False
    if other.accused:
        found = set(re.findall(r"[a-z]+", other.accused.lower())) & parties.STATE_NOUNS
    else:  # "men in government uniform executed civilians": no accused, forces in the text
        found = set(re.findall(r"[a-z]+", other.text.lower())) & _STATE_AGENTS
        named = {s for s in parties.named_sides(other.text) if parties.is_known(s)}
        if named and denier not in named:  # "Russian drones hit ...": not Ukraine's act
            return False
    return bool(found) and (denier == parties.UNNAMED_STATE
                            or denier in parties.state_sides([*story, denial]))


# A state's forces as a report without an accused names them ("soldiers from a battalion").
_STATE_AGENTS = frozenset("""soldiers troops army military junta government regime police
    policemen gendarmes""".split())


def same_name(name: str, phrase: str) -> bool:
    """A party the actor table does not know, named in the accused phrase: every word of a
    name of two or more capitalised words ("Azande Ani Kpi Gbe" in "fighters of the Azande
    Ani Kpi Gbe militia"), or an acronym of capitalised words in a row ("AAKG")."""
    words, found = parties.name_words(name), parties.name_words(phrase)
    if len(words) >= 2:
        return set(words) <= set(found)
    if len(words) == 1 and len(words[0]) >= 3 and words[0].isupper():
        initials = "".join(w[0] for w in found)
        return words[0] in initials
    return False



def stance_confidence(claim: Claim) -> float:
    score = claim.stance_score if claim.stance_score > 0 else DEFAULT_STANCE_SCORE
    return min(1.0, max(0.0, score))


def reason(claim: Claim, matches: Sequence[Match]) -> str:
    """"Russia (Igor Konashenkov, ...) denies Amnesty International's allegation that ..."."""
    first = matches[0]
    what = "counter-claim" if first.counter else "allegation"
    verb = "rejects" if first.counter else "denies"
    text = f"{parties.names(claim)} {verb} {_owner(first.claim)} {what} that {_gist(first.claim)}"
    if len(matches) > 1:
        others = sorted({_owner(m.claim).removesuffix("'s") for m in matches[1:]})
        text += f" (and {len(matches) - 1} more, by {', '.join(others)})"
    return text


def _finding_by_outsider(claim: Claim, story: Sequence[Claim]) -> bool:
    """An inquiry rejecting a party's version ("found nothing to support the claims") is no
    denial but maybe a contradiction: evidence is a denial only from a party the story
    accuses."""
    speaker = parties.speaker_side(claim)
    if not parties.is_finding(claim.text):
        return False
    return not speaker or speaker not in parties.parties_accused(story)


def same_side(denial: Claim, other: Claim) -> bool:
    """True when the denial's speaker made (is on the side of) the allegation."""
    return bool(parties.speaker_side(denial)) and (
        parties.speaker_side(denial) == parties.speaker_side(other))


def _owner(claim: Claim) -> str:
    name = claim.speaker_actor or claim.speaker_org or claim.speaker or claim.source
    if not name:
        return "an earlier"
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _gist(claim: Claim, limit: int = 160) -> str:
    text = (claim.content or claim.text).strip().rstrip(".")
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return f"“{text}”"
