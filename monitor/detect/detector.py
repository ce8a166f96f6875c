"""The detect stage: one article's claims against the earlier claims of their story.

    Detector(encoder, pairs).detect(db, story_id, claims, now) -> [Alert]

Runs inside the article's transaction, after its claims are written. It
1. loads the story's earlier claims (other articles), embedding any claim not yet embedded,
   and gives a speaker named only by a role ("the spokesman") the party its report quoted
   (`speakers.resolve_speakers`; "the defence ministry" alone: the story's only state), in
   the new article and the earlier ones alike, and makes one party of an unknown party
   named two ways ("MSS", "the Multinational Security Support mission": `aliases`);
2. asks `find_denials` and `find_contradictions` about every new claim;
3. keeps one alert per event: the sentences of one article answering the same earlier
   articles make one alert (the strongest sentence is its claim; two known parties denying
   in one report stay two), and a contradiction answering an article the same article
   already denies is dropped (the denial is the event);
4. lets the answer judge (`judge`, a cross-encoder reading whole reports) raise a denial the
   rules matched to nothing when it is very sure, and, once threading has run, drop a new
   denial resting on the rules' weaker evidence when it finds it very unlikely;
5. marks a re-report (the same party saying the same thing again, in another outlet or a
   rewrite) with `thread_of` = the first alert's id, so it joins that alert's thread.
It never alerts on a story labelled `other`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Protocol

import numpy as np

from monitor.detect import denials, parties, speakers
from monitor.detect.aliases import resolve_aliases
from monitor.detect.contradictions import (
    FINDING_SIMILAR_MIN,
    PairSignal,
    find_contradictions,
    wants_pair_stance,
)
from monitor.detect.denials import find_denials
from monitor.detect.judge import MAX_REPORTS, AnswerJudge, report_text
from monitor.records import Alert, Article, Claim
from monitor.text import short_id

log = logging.getLogger(__name__)

REREPORT_SIMILARITY = 0.8  # two statements of one party this close are one statement
ANSWER_OVERLAP = 0.5  # share of the smaller answered set two alerts must have in common
MAX_PAIRS = 64  # pair-stance calls per article


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class PairModel(Protocol):
    def predict(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[str, dict[str, float]]]:
        ...


@dataclass(frozen=True)
class Earlier:
    """An alert already in the story, as the re-report check needs it."""

    id: str
    root: str
    kind: str
    answers: tuple[str, ...]
    actor: str  # the canonical actor of the alert's speaker
    vector: np.ndarray | None
    counts: frozenset[Count] = frozenset()  # the casualty figures of the alert's claim


Count = tuple[int | None, int | None, str]  # a figure as re-reports repeat it: min, max, outcome


def counts(claim: Claim) -> frozenset[Count]:
    """A claim's definite casualty figures ("18 killed", "at least 35 killed")."""
    return frozenset((f.min, f.max, f.outcome) for f in claim.casualties if f.qualifier != "vague")


class Detector:
    """Denials and contradictions of one article's claims within their story."""

    def __init__(self, encoder: Embedder, pairs: PairModel | None = None,
                 denial_threshold: float = 0.5, contradiction_threshold: float = 0.5,
                 judge: AnswerJudge | None = None) -> None:
        self.encoder = encoder
        self.pairs = pairs
        self.judge = judge
        self.thresholds = {"denial": denial_threshold, "contradiction": contradiction_threshold}

    def prepare(self, articles: Sequence[Article],
                claims: Mapping[str, Sequence[Claim]]) -> None:
        """Announce the batch's claims, so a batching encoder embeds them in one call."""
        expect = getattr(self.encoder, "expect", None)
        if expect is not None:
            expect([c.text for a in articles for c in claims.get(a.id, ())])

    def detect(self, db: Any, story_id: str, claims: Sequence[Claim],
               now: datetime) -> list[Alert]:
        if not claims or story_label(db, story_id) == "other":
            return []
        articles = {c.article_id for c in claims}
        earlier = load_story_claims(db, story_id, exclude=articles)
        claims = resolve_by_article(claims)
        story = [*earlier, *claims]  # a state named only now names the earlier organs too
        earlier = speakers.resolve_state_organs(earlier, story)
        claims = speakers.resolve_state_organs(claims, story)
        story = resolve_aliases([*earlier, *claims])  # "MSS" and "the Multinational ..."
        earlier, claims = story[:len(earlier)], story[len(earlier):]
        vectors = self._vectors(db, [*claims, *earlier])
        signals = self._signals(claims, earlier, vectors)
        found = [a for c in claims for a in self._find(c, earlier, signals, story_id)]
        known = {c.id: c for c in [*claims, *earlier]}
        alerts = merge(found, known)
        if self.judge is not None:
            alerts = self._judged(db, alerts, claims, earlier, known, story_id)
        alerts = drop_answered(alerts, {k: c.article_id for k, c in known.items()})
        previous = load_alerts(db, story_id, known, exclude=articles)
        alerts = [thread(a, known[a.claim_id], vectors, previous, known) for a in alerts]
        alerts = [a for a in (repeated(a, known[a.claim_id], claims, earlier, previous)
                              for a in alerts) if a and not self._vetoed(a)]
        for alert in alerts:
            log.info("%s alert %s on story %s (score %.2f%s)", alert.kind, alert.id, story_id,
                     alert.score, f", thread of {alert.thread_of}" if alert.thread_of else "")
        return alerts

    def _find(self, claim: Claim, earlier: Sequence[Claim],
              signals: Mapping[tuple[str, str], PairSignal], story_id: str) -> list[Alert]:
        mine = {e: s for (c, e), s in signals.items() if c == claim.id}
        found = find_denials(claim, earlier, story_id) + find_contradictions(
            claim, earlier, mine, story_id)
        return [a for a in found if a.score >= self.thresholds[a.kind]]

    def _judged(self, db: Any, alerts: Sequence[Alert], claims: Sequence[Claim],
                earlier: Sequence[Claim], known: Mapping[str, Claim],
                story_id: str) -> list[Alert]:
        """The rules' alerts, each denial with the judge's score for it (`extra["judge"]`:
        the best over the reports it answers), plus the denials the judge rescues (one per
        new report the rules found no denial in). The veto comes after threading
        (`_vetoed`): a re-report joins its thread whatever the judge thinks of it."""
        assert self.judge is not None
        answerable = [e for e in earlier if _answerable(e, earlier)]
        latest = list(dict.fromkeys(e.article_id for e in answerable))[-MAX_REPORTS:]
        answerable = [e for e in answerable if e.article_id in latest]
        denied = {known[a.claim_id].article_id for a in alerts if a.kind == "denial"}
        asks: dict[tuple[str, str], None] = {}
        for alert in alerts:
            if alert.kind == "denial":
                new = known[alert.claim_id].article_id
                asks.update({(known[c].article_id, new): None for c in alert.answers if c in known})
        # each report's surest denying sentence (the last written wins)
        rescuable = {c.article_id: c for c in sorted(
            (c for c in claims if _denying(c) and c.article_id not in denied),
            key=lambda c: c.stance_score)}
        asks.update({(e.article_id, new): None for new in rescuable for e in answerable})
        if not asks:
            return list(alerts)
        reports = load_reports(db, {a for pair in asks for a in pair})
        keys = [k for k in asks if k[0] in reports and k[1] in reports]
        score = dict(zip(keys, self.judge.scores(
            [(reports[e], reports[n]) for e, n in keys]), strict=True))
        out = []
        for alert in alerts:
            if alert.kind == "denial":
                new = known[alert.claim_id].article_id
                best = max((score.get((known[c].article_id, new), 1.0)
                            for c in alert.answers if c in known), default=1.0)
                alert = replace(alert, extra={**alert.extra, "judge": round(best, 4)})
            out.append(alert)
        for new, claim in rescuable.items():
            answered = [e for e in answerable if not denials.same_side(claim, e)
                        and score.get((e.article_id, new), 0.0) >= self.judge.thresholds.rescue]
            if answered:
                best = max(score[(e.article_id, new)] for e in answered)
                out.append(judged_denial(claim, answered, best, story_id))
        return out

    def _vetoed(self, alert: Alert) -> bool:
        """A new denial (no re-report) the judge scored below its veto threshold, unless the
        rules are sure whom it answers (`denials.CHAINED`: the accused party itself or one
        speaking for it, the party a counter-claim blames, or a denial naming the claim's
        owner). The judge learnt from the corpus's reports and reads other styles less surely
        (the seed's one-sentence items), so it overrules only the rules' weaker evidence: a
        speaker they could not place, an accused named generically, a justification."""
        if self.judge is None or alert.kind != "denial" or alert.thread_of:
            return False
        match, judged = alert.extra.get("match", 0.0), alert.extra.get("judge", 1.0)
        assert isinstance(match, float | int) and isinstance(judged, float | int)
        if match >= denials.CHAINED or judged >= self.judge.thresholds.veto:
            return False
        log.info("answer judge drops denial %s (%.3f)", alert.id, judged)
        return True

    def _vectors(self, db: Any, claims: Sequence[Claim]) -> dict[str, np.ndarray]:
        """Every claim's sentence embedding: stored ones read back, missing ones computed and
        stored in `claims.embedding`."""
        vectors = stored_vectors(db, [c.id for c in claims])
        missing = [c for c in claims if c.id not in vectors]
        if missing:
            computed = self.encoder.embed([c.text for c in missing])
            for claim, vector in zip(missing, computed, strict=True):
                vectors[claim.id] = np.asarray(vector, dtype=np.float32)
                db.execute("update claims set embedding = ? where id = ?",
                           [vectors[claim.id].tobytes(), claim.id])
        return vectors

    def _signals(self, claims: Sequence[Claim], earlier: Sequence[Claim],
                 vectors: Mapping[str, np.ndarray]) -> dict[tuple[str, str], PairSignal]:
        """Encoder similarity of every (new, earlier) pair; pair-stance for the closest of
        the pairs where a contradiction rule would read it."""
        similar = {(c.id, e.id): float(vectors[c.id] @ vectors[e.id])
                   for c in claims for e in earlier if c.source != e.source}
        by_id = {c.id: c for c in [*claims, *earlier]}
        wanted = [k for k, v in similar.items() if v >= FINDING_SIMILAR_MIN
                  and wants_pair_stance(by_id[k[0]], by_id[k[1]], earlier)]
        close = sorted(wanted, key=lambda k: -similar[k])[:MAX_PAIRS]
        against = self._against(close, by_id)
        return {k: PairSignal(v, against.get(k, 0.0)) for k, v in similar.items()}

    def _against(self, keys: Sequence[tuple[str, str]],
                 texts: Mapping[str, Claim]) -> dict[tuple[str, str], float]:
        if self.pairs is None or not keys:
            return {}
        predictions = self.pairs.predict([(texts[e].text, texts[c].text) for c, e in keys])
        return {k: float(p[1].get("against", 0.0)) for k, p in zip(keys, predictions, strict=True)}


def _answerable(claim: Claim, story: Sequence[Claim]) -> bool:
    """An earlier claim a rescued denial may answer: an allegation (or a counter-claim)
    about war."""
    return (claim.stance == "allegation" or parties.is_counter_claim(claim)) and (
        denials.is_armed_dispute(claim, story))


def _denying(claim: Claim) -> bool:
    """A sentence that may carry a denial the rules matched to nothing: a denial proper, or
    a party's account of its act as a hit on a legitimate target; someone must say it."""
    said = bool(claim.speaker.strip() or parties.speaking_for(claim))
    return said and (parties.is_denial(claim) or bool(denials.JUSTIFYING.search(claim.text)))


def judged_denial(claim: Claim, answered: Sequence[Claim], probability: float,
                  story_id: str) -> Alert:
    """A denial the judge found the rules missing: `claim` answering `answered`."""
    matches = [denials.Match(e, probability, False) for e in answered]
    return Alert(
        id=short_id("al", claim.id, denials.KIND), kind=denials.KIND, claim_id=claim.id,
        story_id=story_id, answers=tuple(e.id for e in answered),
        reason=f"{denials.reason(claim, matches)} (answer judge {probability:.2f})",
        score=round(probability, 4), extra={"counter": False, "judge": round(probability, 4)})


def load_reports(db: Any, article_ids: Iterable[str]) -> dict[str, str]:
    """What the judge reads of each article: its title and summary (or text)."""
    ids = sorted(set(article_ids))
    marks = ",".join("?" * len(ids))
    rows = db.execute(f"select id, title, summary, text from articles where id in ({marks})",
                      ids).fetchall() if ids else []
    return {r[0]: report_text(r[1] or "", r[2] or r[3] or "") for r in rows}


def merge(alerts: Sequence[Alert], claims: Mapping[str, Claim]) -> list[Alert]:
    """One alert per kind and group of sentences answering the same earlier articles (for
    denials, unless two known parties deny: M23 and Rwanda in one report); the strongest
    sentence of a group is its claim, its answers the union."""
    merged: list[Alert] = []
    for kind in dict.fromkeys(a.kind for a in alerts):
        for group in _groups([a for a in alerts if a.kind == kind], claims):
            merged.append(_combine(group))
    return merged


def drop_answered(alerts: Sequence[Alert], article_of: Mapping[str, str]) -> list[Alert]:
    """Drop contradictions answering an article a denial of the same article answers: a
    denial that also conflicts with the allegation's figures, or says the opposite of the
    counter-claim it rejects, is one event, the denial."""
    denied = {article_of.get(c, c) for a in alerts if a.kind == "denial" for c in a.answers}
    return [a for a in alerts if a.kind == "denial"
            or not denied.intersection(article_of.get(c, c) for c in a.answers)]


def thread(alert: Alert, claim: Claim, vectors: Mapping[str, np.ndarray],
           previous: Sequence[Earlier], known: Mapping[str, Claim] | None = None) -> Alert:
    """The alert, with `thread_of` set when it re-reports an earlier alert of its story."""
    known = known or {}
    told = frozenset(n for c in alert.answers if c in known for n in counts(known[c]))
    for old in previous:
        if old.kind == alert.kind and is_rereport(alert, claim, vectors.get(claim.id), old, told):
            return replace(alert, thread_of=old.root)
    return alert


def is_rereport(alert: Alert, claim: Claim, vector: np.ndarray | None, old: Earlier,
                told: frozenset[Count] = frozenset()) -> bool:
    """The same party again: the same answered claims or nearly the same words. Two known
    actors that differ are two statements (M23 and Rwanda, though on one side); an unknown
    speaker ("the ministry") may be either. `told`: the figures of the claims the alert
    answers."""
    actor = parties.speaking_for(claim)
    if parties.is_known(actor) and parties.is_known(old.actor) and actor != old.actor:
        return False
    # a new voice's new count answering the same claims is a new fact (the rights group's
    # 11 dead after the rebels' 4 and the army's 48), not a re-report of the first answer
    new_count = alert.kind == "contradiction" and actor != old.actor and bool(
        counts(claim) - old.counts - told)
    if not new_count and overlap(alert.answers, old.answers) >= ANSWER_OVERLAP:
        return True
    return vector is not None and old.vector is not None and (
        float(vector @ old.vector) >= REREPORT_SIMILARITY)


def repeated(alert: Alert, claim: Claim, article: Sequence[Claim], earlier: Sequence[Claim],
             previous: Sequence[Earlier]) -> Alert | None:
    """A denial whose report says it repeats a statement ("repeated the paramilitary's
    earlier statement", "again denied", "reiterated") that the same party made earlier in the
    story is that statement again: it joins the thread of the party's earlier alert, or, when
    that statement raised none, raises nothing now. `claim` is the alert's claim, `article`
    the new claims (of its article and any other of the batch). Other alerts come back
    unchanged."""
    if alert.kind != "denial" or alert.thread_of:
        return alert
    if not any(REPEATING.search(c.text) for c in article if c.article_id == claim.article_id):
        return alert
    sides = {parties.speaking_for(claim)} - {""}
    said = [c for c in earlier if parties.speaking_for(c) in sides and (
        parties.is_denial(c) or "justification" in c.flags)]
    if not said:
        return alert
    for old in previous:
        if old.kind == alert.kind and old.actor in sides:
            return replace(alert, thread_of=old.root)
    return None


# A report telling that a party says again what it said before.
REPEATING = re.compile(
    r"\b(?:repeat(?:s|ed|ing)|reiterat\w+|restat(?:es|ed|ing)|"
    r"again\s+(?:denied|denies|rejected|rejects|dismissed|dismisses|blamed|blames|insisted|"
    r"insists|said|says|called)|(?:denied|rejected|dismissed)\s+(?:\w+\s+){0,3}?again|"
    r"st(?:ood|ands)\s+by\s+(?:its|his|her|their)|earlier\s+(?:statement|denial|account)|"
    r"once\s+again)\b", re.IGNORECASE)


def overlap(a: Iterable[str], b: Iterable[str]) -> float:
    first, second = set(a), set(b)
    if not first or not second:
        return 0.0
    return len(first & second) / min(len(first), len(second))


def story_label(db: Any, story_id: str) -> str | None:
    row = db.execute("select label from stories where id = ?", [story_id]).fetchone()
    return row[0] if row else None


def load_story_claims(db: Any, story_id: str, exclude: Iterable[str] = ()) -> list[Claim]:
    """The claims of a story, oldest first, leaving out those of the `exclude` articles;
    speakers named by a role resolved within their article (state organs are resolved by
    `detect`, against the whole story)."""
    from monitor.store.claims import claim_from_row

    skip = set(exclude)
    rows = db.query("select * from claims where story_id = ? order by published, article_id, idx",
                    [story_id])
    return resolve_by_article([claim_from_row(r) for r in rows if r["article_id"] not in skip])


def resolve_by_article(claims: Sequence[Claim]) -> list[Claim]:
    """`speakers.resolve_speakers` over each article's claims, keeping the input order."""
    by_article: dict[str, list[Claim]] = {}
    for claim in claims:
        by_article.setdefault(claim.article_id, []).append(claim)
    resolved = {c.id: c for group in by_article.values()
                for c in speakers.resolve_speakers(group)}
    return [resolved[c.id] for c in claims]


def stored_vectors(db: Any, ids: Sequence[str]) -> dict[str, np.ndarray]:
    out: dict[str, np.ndarray] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start:start + 500])
        marks = ",".join("?" * len(chunk))
        for cid, blob in db.execute(
                f"select id, embedding from claims where id in ({marks})", chunk).fetchall():
            if blob:
                out[cid] = np.frombuffer(blob, dtype=np.float32)
    return out


def load_alerts(db: Any, story_id: str, claims: Mapping[str, Claim],
                exclude: Iterable[str] = ()) -> list[Earlier]:
    """The story's alerts from other articles, first first; the speaker of each is taken from
    `claims` (resolved) when there, else from its stored row."""
    skip = set(exclude)
    rows = db.execute(
        """select a.id, a.thread_of, a.kind, a.answers, c.speaker_actor, c.speaker,
                  c.speaker_org, c.embedding, c.article_id, c.id
           from alerts a join claims c on c.id = a.claim_id
           where a.story_id = ? order by a.created_at, a.rowid""", [story_id]).fetchall()
    return [_earlier(r, claims.get(r[9])) for r in rows if r[8] not in skip]


def _earlier(row: Sequence[Any], claim: Claim | None) -> Earlier:
    speaker = claim or Claim(id="", article_id="", index=0, text="", stance="",
                             speaker=row[5] or "", speaker_org=row[6] or "",
                             speaker_actor=row[4] or "")
    vector = np.frombuffer(row[7], dtype=np.float32) if row[7] else None
    return Earlier(id=row[0], root=row[1] or row[0], kind=row[2],
                   answers=tuple(json.loads(row[3] or "[]")),
                   actor=parties.speaking_for(speaker), vector=vector,
                   counts=counts(claim) if claim is not None else frozenset())


def _groups(alerts: Sequence[Alert], claims: Mapping[str, Claim]) -> list[list[Alert]]:
    """Alerts joined (transitively) when they answer a common earlier article and do not come
    from two different known parties; a sentence of no known speaker never bridges two."""
    groups: list[list[Alert]] = []
    for alert in alerts:
        touching = [g for g in groups if any(_same_event(alert, a, claims) for a in g)]
        joined = [alert]
        for group in touching:
            if not _two_parties([*joined, *group], claims):
                joined += group
        groups = [g for g in groups if not any(a in joined for a in g)] + [joined]
    return groups


def _two_parties(alerts: Sequence[Alert], claims: Mapping[str, Claim]) -> bool:
    """Denials by two different known speakers among `alerts` (M23 and Rwanda in one report
    stay two). Only a speaker the extractor named counts: "M23 rejects ..." with no speaker
    is a headline, anyone's."""
    known = {parties.speaker_actor(claims[a.claim_id]) for a in alerts
             if a.kind == "denial" and a.claim_id in claims}
    return len({k for k in known if parties.is_known(k)}) > 1


def _same_event(one: Alert, other: Alert, claims: Mapping[str, Claim]) -> bool:
    """Two alerts answering a common earlier article (whose speakers `_groups` checks)."""
    def articles(alert: Alert) -> set[str]:
        return {claims[c].article_id if c in claims else c for c in alert.answers}

    return bool(articles(one) & articles(other))


def _combine(group: Sequence[Alert]) -> Alert:
    best = max(group, key=lambda a: (a.score, -len(a.reason)))
    answers = tuple(dict.fromkeys(c for a in group for c in a.answers))
    if len(group) == 1:
        return best
    extra = {**best.extra, "sentences": [a.claim_id for a in group]}
    return replace(best, answers=answers, extra=extra,
                   reason=f"{best.reason} [{len(group)} sentences of this article]")
