"""The stages, declared once, in order; used by the daemon, `monitor analyze` and the tests.

    ingest   articles -> store (dedup, revisions)            store.articles.upsert_articles
    classify articles -> Topic                               nlp.classify
    extract  relevant article -> Claims                      nlp.claims
    link     claims -> Story                                 detect.stories
    detect   claims in their story -> Alerts (outbox)        detect.denials / contradictions

Each stage is a component passed in (`Components`), so tests can swap one for a small
deterministic double. Claims, their story and the alerts they raise are written in one
transaction per article: an alert is never stored without the claim that caused it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from monitor.records import Alert, Article, Claim, Topic
from monitor.store import Store
from monitor.store import articles as article_store

STAGES = ("ingest", "classify", "extract", "link", "detect")


class Classifier(Protocol):
    def classify(self, articles: Sequence[Article]) -> list[Topic]: ...


class Extractor(Protocol):
    def extract(self, articles: Sequence[Article]) -> list[list[Claim]]: ...


class Linker(Protocol):
    def link(self, db: Any, article: Article, topic: Topic, claims: Sequence[Claim],
             now: datetime) -> str | None:
        """Join the claims to a story (creating or updating it); return the story id."""
        ...


class Detector(Protocol):
    def detect(self, db: Any, story_id: str, claims: Sequence[Claim],
               now: datetime) -> list[Alert]:
        """Alerts raised by `claims` against the earlier claims of their story."""
        ...


class ClaimWriter(Protocol):
    def __call__(self, db: Any, claims: Sequence[Claim], story_id: str | None,
                 now: datetime) -> None: ...


class AlertWriter(Protocol):
    def __call__(self, db: Any, alerts: Sequence[Alert], now: datetime) -> None: ...


@dataclass
class Components:
    """The pluggable stages. `extractor`, `linker`, `detector` may be None (stage skipped)."""

    classifier: Classifier
    extractor: Extractor | None = None
    linker: Linker | None = None
    detector: Detector | None = None
    write_claims: ClaimWriter | None = None
    write_alerts: AlertWriter | None = None
    full_text: Callable[[Article], str | None] | None = None


@dataclass(frozen=True)
class Result:
    """What the pipeline made of one article."""

    article: Article
    status: str
    topic: Topic | None = None
    claims: list[Claim] = field(default_factory=list)
    alerts: list[Alert] = field(default_factory=list)
    story_id: str | None = None


class ClassifyAhead:
    """A classifier that can start on the next batch while the current one is in the later
    stages: `start(next_batch)` hands the encoder work to `pool`; `classify` then returns the
    topics already computed and classifies only what was not started. The encoder releases
    the GIL, so on a small machine it runs beside spaCy and detection instead of before them.
    The topics are the same as without it; only the timing changes."""

    def __init__(self, inner: Classifier, pool: Executor) -> None:
        self.inner = inner
        self.pool = pool
        # the batch started last, and the one before it (the batch now running); what an
        # older batch started but never asked for (duplicates skipped at ingest) is dropped
        self._newer: dict[tuple[str, str], tuple[Future[list[Topic]], int]] = {}
        self._older: dict[tuple[str, str], tuple[Future[list[Topic]], int]] = {}

    def start(self, articles: Sequence[Article]) -> None:
        self._older, self._newer = self._newer, {}
        if not articles:
            return
        future = self.pool.submit(self.inner.classify, list(articles))
        for i, article in enumerate(articles):
            self._newer[_topic_key(article)] = (future, i)

    def classify(self, articles: Sequence[Article]) -> list[Topic]:
        found = [self._older.pop(_topic_key(a), None) or self._newer.pop(_topic_key(a), None)
                 for a in articles]
        missing = [a for a, f in zip(articles, found, strict=True) if f is None]
        computed = iter(self.inner.classify(missing) if missing else [])
        return [next(computed) if f is None else f[0].result()[f[1]] for f in found]


def _topic_key(article: Article) -> tuple[str, str]:
    return article.id, article.body


def ingest(store: Store, articles: Sequence[Article], now: datetime,
           window: timedelta) -> list[article_store.Upserted]:
    """Stage 1: store the articles, returning each with its status (new, revised, seen)."""
    with store.transaction() as db:
        return article_store.upsert_articles(db, articles, now, window)


def analyze(store: Store, articles: Sequence[Article], parts: Components,
            now: datetime, threshold: float = 0.5) -> list[Result]:
    """Stages 2-5 for articles already stored; returns one Result per article, in order."""
    if not articles:
        return []
    topics = [_gate(t, threshold) for t in parts.classifier.classify(articles)]
    relevant = [a for a, t in zip(articles, topics, strict=True) if t.relevant]
    if parts.full_text is not None:
        relevant = [_with_text(a, parts.full_text, store) for a in relevant]
    claims_by_id: dict[str, list[Claim]] = {}
    if parts.extractor is not None and relevant:
        extracted = parts.extractor.extract(relevant)
        claims_by_id = {a.id: c for a, c in zip(relevant, extracted, strict=True)}
    for stage in (parts.linker, parts.detector):
        prepare = getattr(stage, "prepare", None)  # optional: a stage batches its work
        if prepare is not None:
            prepare([a for a in relevant if claims_by_id.get(a.id)], claims_by_id)
    return [
        _finish(store, article, topic, claims_by_id.get(article.id, []), parts, now)
        for article, topic in zip(articles, topics, strict=True)
    ]


def run_batch(store: Store, articles: Sequence[Article], parts: Components, now: datetime,
              window: timedelta = timedelta(hours=48), threshold: float = 0.5) -> list[Result]:
    """All stages: ingest, then analyse what is new. Seen articles come back with no topic."""
    upserted = ingest(store, articles, now, window)
    fresh = [u.article for u in upserted if u.status == article_store.NEW]
    done = {r.article.id: r for r in analyze(store, fresh, parts, now, threshold)}
    return [done.get(u.article.id) or Result(u.article, u.status) for u in upserted]


def _gate(topic: Topic, threshold: float) -> Topic:
    """An article is relevant only if its conflict label scores at least `threshold`."""
    if topic.label != "other" and topic.scores.get(topic.label, 0.0) < threshold:
        return Topic("other", topic.scores)
    return topic


def _with_text(article: Article, fetch: Callable[[Article], str | None], store: Store) -> Article:
    if article.text:
        return article
    text = fetch(article)
    if not text:
        return article
    with store.transaction() as db:
        article_store.set_text(db, article.id, text)
    return Article(**{**article.__dict__, "text": text})


def _finish(store: Store, article: Article, topic: Topic, claims: list[Claim],
            parts: Components, now: datetime) -> Result:
    with store.transaction() as db:
        article_store.set_topic(db, article.id, topic, now)
        story_id = None
        if claims and parts.linker is not None:
            story_id = parts.linker.link(db, article, topic, claims, now)
        if parts.write_claims is not None:
            parts.write_claims(db, claims, story_id, now)
        alerts: list[Alert] = []
        if story_id and parts.detector is not None:
            alerts = parts.detector.detect(db, story_id, claims, now)
            if parts.write_alerts is not None:
                parts.write_alerts(db, alerts, now)
    return Result(article, article_store.NEW, topic, claims, alerts, story_id)
