"""Small frozen records passed between the stages of the pipeline.

Only `store.py` turns them into dicts; every stage takes and returns these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

TOPIC_LABELS = ("war_crime_allegation", "armed_conflict", "other")
STANCES = ("allegation", "denial", "admission", "other")
ALERT_KINDS = ("denial", "contradiction")


@dataclass(frozen=True)
class Feed:
    """A feed as the poller sees it: where it is and what it is called."""

    id: str
    name: str
    url: str


@dataclass(frozen=True)
class Article:
    """One normalised feed item."""

    id: str
    feed_id: str
    source: str
    url: str
    title: str
    summary: str
    published: datetime | None
    language: str | None = None
    text: str | None = None
    guid: str | None = None

    @property
    def body(self) -> str:
        """Title, summary and full text, as the classifier reads them."""
        parts = [self.title, self.summary, self.text or ""]
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Topic:
    """The story label of one article with the score of every label."""

    label: str
    scores: dict[str, float]

    @property
    def relevant(self) -> bool:
        return self.label != "other"


@dataclass(frozen=True)
class Casualties:
    """A casualty figure normalised to a range; `max` None means open-ended."""

    min: int | None
    max: int | None
    qualifier: str  # exact | at_least | at_most | about | range | vague | none
    who: str  # civilians, children, people, soldiers ...
    outcome: str  # killed | injured | affected
    text: str


@dataclass(frozen=True)
class Claim:
    """One statement found in an article, with who said it and about whom."""

    id: str
    article_id: str
    index: int  # 0 is the headline, then sentences in order
    text: str
    stance: str
    stance_score: float = 0.0
    speaker: str = ""
    speaker_org: str = ""
    speaker_actor: str = ""  # canonical actor the speaker is or speaks for
    verb: str = ""
    content: str = ""
    accused: str = ""
    accused_actor: str = ""
    casualties: tuple[Casualties, ...] = ()
    places: tuple[str, ...] = ()
    date: str = ""
    flags: tuple[str, ...] = ()
    published: datetime | None = None
    source: str = ""
    url: str = ""

    def __hash__(self) -> int:
        # Claims key the detectors' caches; hashing every field of every stored claim of a
        # story cost more than the detection itself. Equality still compares every field.
        return hash(self.id)


@dataclass(frozen=True)
class Story:
    """Claims and articles about one incident, across outlets and days."""

    id: str
    title: str
    first_seen: datetime
    last_seen: datetime
    actors: tuple[str, ...] = ()
    places: tuple[str, ...] = ()
    label: str = "war_crime_allegation"


@dataclass(frozen=True)
class Alert:
    """A denial or contradiction, linked to the earlier claims it answers."""

    id: str
    kind: str
    claim_id: str
    story_id: str
    answers: tuple[str, ...]
    reason: str
    score: float
    thread_of: str | None = None  # the first alert of a re-reported statement
    extra: dict[str, object] = field(default_factory=dict)
