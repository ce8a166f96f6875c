"""Contradictions: a new claim that cannot be true together with an earlier claim of its story
from another source.

    find_contradictions(claim, earlier, signals) -> [Alert]   at most one, answering all hits

Four ways to contradict, each scored in [0, 1]:
- figures: casualty figures that cannot both hold (`monitor.detect.figures`), e.g. "12 dead"
  against "at least 30", or "no civilians were harmed" against "at least 40 civilians";
- negation: the pair-stance model reads the new sentence as `against` the earlier claim (not
  a denial: facts against a denial are findings, below), the two say nearly the same thing
  (encoder similarity), exactly one of them is negated ("used cluster munitions" / "did not
  use cluster munitions"), and the new speaker is a known party outside the story's dispute
  (the accused saying the opposite is a denial, see `denials`; the accuser saying it again
  is no new fact), or an unnamed observer stating a fact;
- findings: evidence, or a known third party's allegation (a UN office, an inquiry, an NGO),
  against the party that earlier denied: the inquiry finds chlorine was used after the accused
  called the attack fabricated. The earlier statement must be a denial as `find_denials` sees
  it (it answers an allegation of its story), not any sentence with a denying tone. The
  finding names that party, or it is an outsider's finding close to the denial (encoder
  similarity) that the pair-stance model reads as against it. A party never contradicts
  itself here, and the accuser repeating its accusation without new evidence is no
  contradiction. A third state's protest or a call for an investigation asserts no fact; an
  unnamed analyst's physical evidence (imagery, craters, fragments) does;
- status: the dead were civilians, or the place held no fighters, against the accused's account
  that it hit fighters or a military target (its denial, or its own first report of the
  operation), from an observer, as a finding, or as another party's allegation (`by_status`).
The model signals are computed by the caller (`PairSignal` per earlier claim), so this module
stays pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from monitor.detect import figures, parties, speakers
from monitor.detect.denials import (
    JUSTIFYING,
    answers,
    battle_claims,
    is_armed_dispute,
    is_counter_allegation,
    is_justification,
    match,
)
from monitor.nlp.actors import actor_kind
from monitor.nlp.attribution import ACTS
from monitor.records import Alert, Casualties, Claim
from monitor.text import short_id

KIND = "contradiction"
AGAINST_MIN = 0.75  # pair-stance probability of `against` for a negation contradiction
SIMILAR_MIN = 0.5  # encoder similarity of the two sentences for a negation contradiction
FINDING_SCORE, THIRD_PARTY_SCORE, BOTH_SCORE = 0.7, 0.6, 0.85
STATUS_SCORE = 0.7  # civilians where the accused said it hit fighters (`by_status`)
FINDING_SIMILAR_MIN = 0.45  # an outsider's finding this close to a denial, which the ...
FINDING_AGAINST_MIN = 0.5  # ... pair-stance model reads as against it, answers it ...
SIMILAR_FINDING_SCORE = 0.6  # ... even when it does not name the denying party
EVIDENCE_SCORE = 0.65  # an outsider's records, imagery or autopsy after the denial
REJECTION_SCORE = 0.6  # a party rejecting another's account of a fight (`by_rejection`)
CORROBORATE_MIN = 0.6  # an outsider's finding this close to an allegation the denial rejected

_NEGATION = re.compile(
    r"\b(not|no|never|none|nothing|neither|nor|without|denied|denies|deny|rejected|rejects|"
    r"reject|false|baseless|fabricated|\w+n't)\b", re.I,
)


@dataclass(frozen=True)
class PairSignal:
    """Model readings of (earlier claim, new claim): encoder cosine and P(against)."""

    similarity: float = 0.0
    against: float = 0.0


@dataclass(frozen=True)
class Hit:
    claim: Claim
    score: float
    why: str


def find_contradictions(claim: Claim, earlier: Sequence[Claim],
                        signals: Mapping[str, PairSignal] | None = None,
                        story_id: str = "") -> list[Alert]:
    """One `contradiction` alert if `claim` contradicts earlier claims, else []."""
    signals = signals or {}
    battles = _rejected_battles(claim, earlier)
    hits = [h for e in earlier if (h := contradicts(claim, e, earlier, signals, battles))]
    if not hits or not any(is_armed_dispute(c, earlier) for c in (claim, *earlier)):
        return []  # a plant blast's disputed toll is no war news, whatever the topic reader said
    best = max(hits, key=lambda h: h.score)
    return [Alert(
        id=short_id("al", claim.id, KIND), kind=KIND, claim_id=claim.id, story_id=story_id,
        answers=tuple(h.claim.id for h in hits), reason=reason(claim, best, len(hits)),
        score=round(best.score, 4), extra={"why": sorted({h.why for h in hits})},
    )]


def contradicts(claim: Claim, other: Claim, story: Sequence[Claim],
                signals: Mapping[str, PairSignal] | None = None,
                battles: frozenset[str] | None = None) -> Hit | None:
    """The strongest way `claim` contradicts `other`, or None. `signals`: the model readings
    of `claim` against each earlier claim, by the earlier claim's id; `battles`: the
    articles whose battle claims `claim` rejects, when the caller has them."""
    if other.article_id == claim.article_id or _same_source(claim, other):
        return None
    signals = signals or {}
    signal = signals.get(other.id)
    candidates = [
        Hit(other, by_figures(claim, other), "figures"),
        Hit(other, by_negation(claim, other, signal, story), "negation"),
        Hit(other, by_finding(claim, other, story, signal, signals), "finding"),
        Hit(other, by_status(claim, other, story), "status"),
        Hit(other, by_rejection(claim, other, story, battles), "rejection"),
    ]
    best = max(candidates, key=lambda h: h.score)
    return best if best.score > 0 else None


def by_figures(claim: Claim, other: Claim) -> float:
    """The strongest conflict between the two claims' casualty figures."""
    return max(
        (figures.figure_conflict(n, o, claim.text)
         for n in _tolls(claim) for o in _tolls(other)),
        default=0.0,
    )


def _tolls(claim: Claim) -> list[Casualties]:
    """The figures a claim asserts: a denial asserts "none", and a figure of its own ("the
    spokesman said 18 civilians were killed and called the figure of 42 exaggerated"), not the
    ones it disputes ("reports of 18 dead do not match ...")."""
    if claim.stance == "denial":
        return [f for f in claim.casualties if f.qualifier == "none" or _own_figure(claim, f)]
    return list(claim.casualties)


def _own_figure(claim: Claim, figure: Casualties) -> bool:
    """The denial states the figure itself: "said 18 civilians were killed", "put the toll
    at 18", "only four fighters died"; not "reports that 18 ...", "denied killing 18"."""
    at = claim.text.find(figure.text) if figure.text else -1
    if at < 0:
        return False
    before, after = claim.text[max(0, at - 40):at], claim.text[at + len(figure.text):][:30]
    return bool(_OWN_BEFORE.search(before)) and not _DISPUTED_BEFORE.search(before) and (
        bool(_OWN_AFTER.match(after)) or bool(_OWN_ALONE.search(before)))


_OWN_BEFORE = re.compile(r"\b(?:said|says|saying|stated|confirmed|put|only|at)\s+(?:that\s+)?"
                         r"(?:only\s+|just\s+)?$", re.IGNORECASE)
_DISPUTED_BEFORE = re.compile(r"\b(?:reports?|claims?|allegations?|accusations?|figures?|"
                              r"denie[sd]|deny|reject\w*|dismiss\w*|not)\b", re.IGNORECASE)
_OWN_ALONE = re.compile(r"\b(?:only|toll\s+at)\s*$")  # "only four", "put the toll at 18"
_OWN_AFTER = re.compile(r"\s*(?:\w+\s+){0,3}?(?:were|was|had\s+been|have\s+been)\s+"
                        r"(?:killed|dead|died)|\s*(?:\w+\s+){0,2}?(?:died|dead)\b",
                        re.IGNORECASE)


def by_negation(claim: Claim, other: Claim, signal: PairSignal | None,
                story: Sequence[Claim] = ()) -> float:
    """The model says `against`, the two are about the same thing, one of them is negated,
    and the new speaker is an outsider to the earlier claim's dispute."""
    if signal is None or signal.against < AGAINST_MIN or signal.similarity < SIMILAR_MIN:
        return 0.0
    if parties.is_denial(other):
        return 0.0
    if negated(claim.text) == negated(other.text) or not _outside(claim, other, story):
        return 0.0
    return round(signal.against * min(1.0, 0.5 + signal.similarity), 4)


def wants_pair_stance(claim: Claim, other: Claim, story: Sequence[Claim]) -> bool:
    """True when a rule here would read the pair-stance model on (other, claim): a negation
    by an outsider of a claim that is no denial, or a finding against a denial. Lets the
    caller skip the model for every other pair."""
    if is_version(other, story):
        return parties.is_finding(claim.text)
    return negated(claim.text) != negated(other.text) and _outside(claim, other, story)


def _outside(claim: Claim, other: Claim, story: Sequence[Claim]) -> bool:
    """True when the speaker of `claim` is a known party that neither made `other`, nor is
    accused or defended by it, nor accused the party `other` defends; or an unnamed observer
    stating a fact (stance `other`), who takes no side."""
    speaker = parties.speaker_side(claim)
    if not parties.is_known(speaker):
        return claim.stance == "other" and not parties.is_deflection_flagged(claim) and (
            not speakers.is_role(claim.speaker or claim.speaker_org))
    involved = {parties.speaker_side(other)} | parties.accused_sides(other)
    involved |= parties.story_parties([c for c in story if parties.said_before(c, claim)])
    if parties.is_denial(other):
        defended = _defended(other, story)
        involved |= defended | parties.accusers_of(defended, story)
    return speaker not in involved


def by_finding(claim: Claim, denial: Claim, story: Sequence[Claim],
               signal: PairSignal | None = None,
               signals: Mapping[str, PairSignal] | None = None) -> float:
    """Evidence or an outsider's account against the party that earlier denied (in words, or
    by blaming someone else): it names that party, or (an outsider's finding) says nearly
    what the denial says (the model reads it as against), or nearly what an allegation the
    denial rejected says (it corroborates that allegation)."""
    if parties.DEFLECTION in claim.flags:
        return 0.0
    finding = parties.is_finding(claim.text)  # the checks on `claim` alone come first: cheap
    if claim.stance != "allegation" and not finding or not is_version(denial, story):
        return 0.0
    answered = answered_claims(denial, story)
    if not answered:
        return 0.0
    defended = _defended(denial, story)
    speaker = parties.speaker_side(claim)
    if not defended or speaker in defended:
        return 0.0
    if claim.stance == "admission" and not finding:
        return 0.0  # an admission counts from the accused only, and that is no contradiction
    before = _told_before(denial, story)
    accusers = parties.accusers_of(defended, before) | {
        parties.speaker_side(c) for c in before if c.id in answered}
    # an unnamed analyst reporting physical evidence (an OSINT group's imagery) is no party
    outsider = speaker not in accusers and (
        parties.is_known(speaker) or parties.is_investigator(claim)
        or finding and bool(_PHYSICAL_EVIDENCE.search(claim.text)))
    if not finding and not outsider:
        return 0.0
    if _blamed(claim, story) & defended:
        if finding and outsider:
            return BOTH_SCORE
        if finding:
            return FINDING_SCORE
        # an observer's account counts as a new fact; a party's protest is one more accusation
        if _CALL_FOR.search(claim.text):
            return 0.0  # "the UN calls for an investigation" asserts nothing yet
        return THIRD_PARTY_SCORE if _observer(claim) else 0.0
    if not (finding and outsider):
        return 0.0
    if _EVIDENCE.search(claim.text) and not _EXONERATES.search(claim.text) and (
            not _blames_another(claim, story, defended)):
        return EVIDENCE_SCORE  # records, imagery, autopsies: facts the denial must answer
    similar = signal is not None and signal.similarity >= FINDING_SIMILAR_MIN and (
        signal.against >= FINDING_AGAINST_MIN)
    corroborates = max((s.similarity for c, s in (signals or {}).items() if c in answered),
                       default=0.0) >= CORROBORATE_MIN
    return SIMILAR_FINDING_SCORE if similar or corroborates else 0.0


def _blames_another(claim: Claim, story: Sequence[Claim], defended: frozenset[str]) -> bool:
    """A finding that holds another accused party of the story to blame (and so clears the
    one that denied), not the denier or a bystander."""
    if claim.stance != "allegation":
        return False
    others = {s for s in parties.blamed_sides(claim, story) - defended if not _an_act(s)}
    return bool(others & parties.parties_accused(story))


def _an_act(name: str) -> bool:
    """A name the parser took for a party that names an act of war ("the Sumy strike")."""
    words = name.lower().split()
    return bool(words) and words[-1].rstrip("s") in _ACT_WORDS


# Head nouns of an act of war, not of anyone who could be blamed for one.
_ACT_WORDS = ACTS | {"operation"}


def _observer(claim: Claim) -> bool:
    """An investigator, rights group, UN body or newsroom: no party to the conflict."""
    return parties.is_investigator(claim) or (
        actor_kind(parties.speaker_side(claim)) in parties.OBSERVER_KINDS)


def is_version(claim: Claim, story: Sequence[Claim]) -> bool:
    """A denial, or the accused's counter-allegation ("it struck a rocket cell, killing two
    operatives"): the accused's version of events, which new facts can contradict."""
    return parties.is_denial(claim) or _is_version(claim, tuple(story))


@lru_cache(maxsize=8192)  # asked again for every (new claim, earlier claim) pair of a story
def _is_version(claim: Claim, story: tuple[Claim, ...]) -> bool:
    return is_counter_allegation(claim, story) or is_justification(claim, story)


def by_status(claim: Claim, version: Claim, story: Sequence[Claim]) -> float:
    """A new fact about who or what was hit, against the accused's account that it hit
    fighters or a military target: the dead were civilians or unarmed, or the place held no
    fighters or weapons ("hospital records show the victims were farm workers", "observers
    saw no military activity at the site"). From an observer, as a finding, or as an
    allegation; the account is a denial that answered someone, or the party's own first
    report ("five NPA rebels killed in a clash, the army says")."""
    if parties.DEFLECTION in claim.flags:
        return 0.0
    if not (parties.is_finding(claim.text) or _observer(claim) or claim.stance == "allegation"):
        return 0.0
    if not _MILITARY_VERSION.search(version.text):
        return 0.0
    if is_version(version, story):
        defended = _defended(version, story) if answered_claims(version, story) else frozenset()
        civilian = bool(_CIVILIAN_STATUS.search(claim.text))
    else:  # the party's own first report: civilian dead counted against its count of
        defended = _own_account(version)  # fighters killed say otherwise
        civilian = bool(_CIVILIAN_STATUS.search(claim.text)) or (
            _killed(claim, figures.CIVILIANS) and _killed(version, figures.COMBATANTS))
    if not civilian:
        return 0.0
    speaker = parties.speaker_side(claim)
    if not defended or speaker in defended:
        return 0.0
    before = _told_before(version, story)
    if speaker in parties.accusers_of(defended, before) and not parties.is_finding(claim.text):
        return 0.0  # the accuser saying it again is no new fact
    return STATUS_SCORE


def by_rejection(claim: Claim, other: Claim, story: Sequence[Claim],
                 battles: frozenset[str] | None = None) -> float:
    """A party rejecting another's battle claim ("no Rwandan soldier was killed" against
    "Islamic State claims 22 soldiers killed"; "no launcher was destroyed" against "jets
    destroyed a missile site"): no denial of a wrong (`denials.battle_claims`), but two
    accounts of one fight that cannot both be true."""
    if battles is None:
        battles = _rejected_battles(claim, story)
    if other.article_id not in battles:
        return 0.0
    return REJECTION_SCORE if match(claim, other, story) is not None else 0.0


def _rejected_battles(claim: Claim, story: Sequence[Claim]) -> frozenset[str]:
    """`denials.battle_claims` for a known party's denial; nothing for any other claim."""
    if not parties.is_denial(claim) or not parties.is_known(parties.speaker_side(claim)):
        return frozenset()
    return battle_claims(claim, story)


def _killed(claim: Claim, broad: str) -> bool:
    """The claim counts dead of this broad group (civilians, combatants)."""
    return any(figures.group(f.who)[0] == broad and f.outcome == "killed" and (f.min or 0) > 0
               for f in claim.casualties)


def _own_account(claim: Claim) -> frozenset[str]:
    """The side of an armed party reporting its own operation, or nothing."""
    own = parties.speaker_side(claim)
    armed = own == parties.UNNAMED_STATE or actor_kind(own) in ("state", "armed_group")
    return frozenset({own}) if armed and claim.stance in ("allegation", "other") else frozenset()


_CIVILIAN_STATUS = re.compile(
    r"\b(?:were|was|are|as)\s+(?:all\s+|mostly\s+|only\s+)?(?:[\w-]+\s+){0,2}?(?:civilians?|"
    r"unarmed|farmers?|farm workers|shepherds?|herders?|miners?|students?|pupils?|children|"
    r"villagers?|fishermen|traders?|worshippers?|patients?|displaced|families|residents)\b"
    r"|\bunarmed\b|\bcivilian\s+(?:\w+\s+)?(?:site|camp|buildings?|homes?|houses?|shelter)\b"
    r"|\bno\s+(?:sign\s+of\s+|trace\s+of\s+|evidence\s+of\s+)?(?:an?\s+)?(?:[\w-]+\s+)?(?:"
    r"military|armed|militants?|fighters?|combatants?|weapons?|militia|gathering|column|camp|"
    r"base|depot|cache|explosions?|positions?|launch\w*|training)\b"
    r"|\bnot\s+(?:fighters|militants|combatants|terrorists|soldiers|rebels)\b"
    r"|\bincluding\s+(?:\w+\s+)?(?:children|women|babies|infants|patients)\b"
    r"|\b(?:children|women|civilians)\b[^.;]{0,30}\bamong\s+(?:those\s+killed|the\s+dead|"
    r"the\s+victims)\b",
    re.IGNORECASE)
_MILITARY_VERSION = re.compile(
    JUSTIFYING.pattern + r"|\b(?:military|militant|terrorist|rebel|armed|extremist|mercenar\w+)"
    r"\s+(?:gathering|camp|site|positions?|bases?|targets?|infrastructure|command|posts?|cells?|"
    r"column|hideouts?|depots?|personnel|elements?)\b|\b(?:gathering|meeting|column)\s+of\s+"
    r"(?:[\w-]+\s+){0,2}(?:fighters|militants|terrorists|mercenaries|extremists|rebels|officers|"
    r"officials)\b|\binfrastructure\b|\bcommand\s+(?:room|post|centre|center)\b|"
    r"\bcombatants?\b|\b(?:fighters|militants|terrorists|rebels)\b",
    re.IGNORECASE)


def answered_claims(denial: Claim, story: Sequence[Claim]) -> frozenset[str]:
    """The ids of the earlier claims the denial rejects (by `denials.answers`); empty when it
    rejects none: only a denial that answers something is a version new facts contradict."""
    before = tuple(_told_before(denial, story))
    return _answered(denial, before)


@lru_cache(maxsize=1024)
def _answered(denial: Claim, before: tuple[Claim, ...]) -> frozenset[str]:
    """`answered_claims`, remembered: every new claim of an article asks it again."""
    return frozenset(m.claim.id for m in answers(denial, before, versions=True))


def _defended(denial: Claim, story: Sequence[Claim]) -> frozenset[str]:
    """The parties a denial clears (a counter-allegation: its speaker's); for an unknown
    speaker, the accused parties it names, else the speaker itself ("Pakistani security
    officials", a party the actor table does not know)."""
    own = frozenset({parties.speaker_side(denial)} - {""})
    if not parties.is_denial(denial):
        return own
    if parties.is_known(parties.speaker_side(denial)):
        return parties.defended_sides(denial)
    accused = {s for c in story if c.stance == "allegation" for s in parties.accused_sides(c)}
    return frozenset(parties.named_sides(denial.text) & accused) or own


def _blamed(claim: Claim, story: Sequence[Claim]) -> frozenset[str]:
    """The parties a claim holds responsible: its accused, the parties it names, and the
    story's one state when it says "killed by soldiers" (an agent the parse may miss)."""
    named = parties.named_sides(claim.text)
    if _BY_STATE_FORCES.search(claim.text):
        state = parties.story_state(story, besides=parties.speaker_side(claim))
        named |= {state} if state else set()
    if claim.stance == "allegation":
        return parties.blamed_sides(claim, story) | named
    return named


_CALL_FOR = re.compile(
    r"\b(?:calls?|called|calling|urg\w+|demand\w*|asks?|asked)\b[^.;]{0,30}?\b(?:"
    r"investigation|probe|inquiry|accountability|restraint|answers)\b", re.IGNORECASE)
# What clears the accused: "found no evidence of a strike", "consistent with the army's account".
_EXONERATES = re.compile(
    r"\b(?:no|not|nothing|never|found\s+no)\b[^.;]{0,40}?\b(?:evidence|sign|signs|trace|"
    r"indication)\s+(?:of|that)\s+(?:an?\s+|the\s+|any\s+)?(?:[\w-]+\s+){0,2}?(?:strike|"
    r"attack|bombing|shelling|raid|massacre|killings?|execution|civilians?|chemical|abuse|"
    r"torture|air\s+strike|drone)"
    r"|\b(?:corroborat\w+|consistent\s+with|supports?|backs?\s+up|confirms?|confirmed)\s+"
    r"(?:the\s+)?(?:[\w'’-]+\s+){0,3}?(?:account|version|statement)\b"
    r"|\bmisfir\w+", re.IGNORECASE)
# Physical evidence and records, words both checks below share.
_PHYSICAL = (r"satellite|imagery|images|geolocat\w+|craters?|fragments?|remnants?|forensic|"
             r"autops\w+|post-mortem|ballistic|paraffin|residue|shell casings|footage|records")
_PHYSICAL_EVIDENCE = re.compile(
    r"\b(?:" + _PHYSICAL + r"|munitions?\s+experts?|videos?\s+(?:show|verified|analysed))\b",
    re.IGNORECASE)
# Evidence an outsider reports after a denial: the physical kind, or testimony, documents and
# bodies. It stands against the denial unless it clears the accused (`_EXONERATES`).
_EVIDENCE = re.compile(
    r"\b(?:" + _PHYSICAL + r"|photos|shrapnel|videos?|documents|lists?|death certificates|"
    r"birth certificates?|identity cards|interviews?|interviewed|testimon\w+|witnesses|"
    r"survivors|exhum\w+|mass graves?|bodies|verified|documented|identified|named)\b",
    re.IGNORECASE)
_BY_STATE_FORCES = re.compile(
    r"\bby\s+(?:the\s+)?(?:[\w'’-]+\s+)?(?:soldiers|troops|army|military|security forces|"
    r"armed forces|government forces|police|warplanes?|military aircraft|military jets?)\b",
    re.IGNORECASE)


def negated(text: str) -> bool:
    return len(_NEGATION.findall(text)) % 2 == 1


def reason(claim: Claim, best: Hit, count: int) -> str:
    who = parties.names(claim)
    old = best.claim
    old_who = old.speaker_actor or old.speaker_org or old.speaker or old.source or "an earlier"
    what = {
        "figures": "gives casualty figures that conflict with",
        "negation": "says the opposite of",
        "finding": "reports findings that contradict",
        "status": "reports civilians or no military target, against",
        "rejection": "rejects the battle account of",
    }[best.why]
    text = f"{who} {what} {old_who}'s {old.stance or 'claim'}: {_quote(claim)} vs {_quote(old)}"
    if count > 1:
        text += f" (and {count - 1} more earlier claim{'s' if count > 2 else ''})"
    return text


def _quote(claim: Claim, limit: int = 140) -> str:
    text = claim.text.strip().rstrip(".")
    if len(text) > limit:
        text = text[: limit - 1].rsplit(" ", 1)[0] + "…"
    return f"“{text}”"


def _same_source(a: Claim, b: Claim) -> bool:
    return bool(a.source) and a.source.strip().lower() == b.source.strip().lower()


def _told_before(claim: Claim, story: Sequence[Claim]) -> list[Claim]:
    """The story's claims of other articles, published no later than `claim`."""
    return [c for c in story if c.article_id != claim.article_id and parties.said_before(c, claim)]
