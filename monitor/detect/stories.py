"""The link stage: an article's claims join the story of their incident, across outlets and days.

    StoryLinker(encoder).link(db, article, topic, claims, now) -> story id | None

An article joins the open story it matches best: the encoder similarity of its headline and
summary to the story's embedding (the running mean of its articles' embeddings, kept in
`stories.embedding` as float32 bytes), plus a bonus for a shared key (a specific place from
the claims, or a proper name of the headlines and summaries: "Saltivka", "Tal Mardikh"), for
shared actors, and for an answer: a denial by a party the story accuses ("Konashenkov said
the report contained fake information" rarely shares words with the report it answers).
The encoder must be the plain one (see `monitor.detect`): the classifiers' tuned encoder
draws all denials together. A story is open within `window_hours` of its first and last article.
Investigations often report months later, so a closed story is reopened only by a strong
match that shares a key (found through the articles' full-text index). With no match, the
article starts a new story titled by its headline. Articles labelled `other` are never linked.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any, Protocol

import numpy as np

from monitor.detect import parties, speakers
from monitor.nlp.actors import is_country, known_actor, mentioned_actors, named_actor_words, table
from monitor.records import Article, Claim, Topic
from monitor.store import iso
from monitor.text import short_id

log = logging.getLogger(__name__)

KEY_BONUS = 0.2  # a shared specific place or proper name ...
KEY_CONFLICT = 0.05  # ... and a malus when both have keys but share none (Kanbalu vs Singu)
ACTOR_BONUS = 0.04  # per shared actor, at most MAX_ACTORS of them
ANSWER_BONUS = 0.15  # the article denies for a party the story accuses
MAX_ACTORS = 2
REOPEN_MARGIN = 0.1  # a closed story needs this much more than `similarity` ...
REOPEN_MIN_SIMILARITY = 0.55  # ... and at least this encoder similarity, and a shared key;
REOPEN_KEYS, REOPEN_KEYS_SIMILARITY = 2, 0.45  # or this many shared keys and this similarity
# Actors quoted in many unrelated stories: sharing them says little about the incident.
GENERIC_ACTORS = frozenset({"United Nations", "Amnesty International", "Human Rights Watch",
                            "Reuters", "Associated Press", "AFP"})
LABEL_RANK = {"other": 0, "armed_conflict": 1, "war_crime_allegation": 2}
MAX_FTS_TERMS = 12
# Capitalised words that name no particular incident.
COMMON_WORDS = frozenset("""the a an in on at by for from with after before during since until
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december he she it they we his her its their
    this that these those but and or some many most several according officials residents
    witnesses rescuers doctors prosecutors investigators president minister ministry government
    army forces force office council commission committee mission agency authority authorities
    defence defense foreign interior health human rights international national united nations
    general spokesman spokeswoman spokesperson team group state news media north south east west
    western eastern northern southern central city province region district village town camp
    hospital school market street radio press information reuters jazeera telegram associated
    twitter facebook whatsapp youtube""".split())
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]{3,}")
_POSSESSIVE = re.compile(r"['’]s$")
# "Qaeda-linked", "Kremlin-backed", "Houthi-run": a description of a party, not a name.
_DESCRIPTOR = re.compile(r"-(linked|affiliated|backed|led|allied|aligned|controlled|held|run|"
                         r"based|born|style|made|owned|funded|installed|appointed)$", re.I)


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


@dataclass(frozen=True)
class Candidate:
    """A stored story as the matcher sees it."""

    id: str
    vector: np.ndarray
    actors: frozenset[str]
    places: frozenset[str]
    first_seen: datetime
    last_seen: datetime
    label: str = "war_crime_allegation"
    keys: frozenset[str] = frozenset()  # specific places and proper names, case-folded
    accused: frozenset[str] = frozenset()  # sides the story's allegations accuse


@dataclass(frozen=True)
class Incoming:
    """What an article brings to a story."""

    vector: np.ndarray
    actors: frozenset[str]
    places: frozenset[str]
    moment: datetime
    keys: frozenset[str] = frozenset()
    leads: frozenset[str] = frozenset()  # capitalised words opening a sentence ("Idlib ...")
    denying: frozenset[str] = frozenset()  # sides the article's denials speak for


class StoryLinker:
    """Joins an article's claims to a story, creating or updating it."""

    def __init__(self, encoder: Embedder, similarity: float = 0.55,
                 window_hours: float = 240) -> None:
        self.encoder = encoder
        self.similarity = similarity
        self.window = timedelta(hours=window_hours)

    def prepare(self, articles: Sequence[Article],
                claims: Mapping[str, Sequence[Claim]]) -> None:
        """Announce the batch's articles, so a batching encoder embeds them in one call."""
        expect = getattr(self.encoder, "expect", None)
        if expect is not None:
            expect([story_text(a) for a in articles])

    def link(self, db: Any, article: Article, topic: Topic, claims: Sequence[Claim],
             now: datetime) -> str | None:
        if not topic.relevant:
            return None
        incoming = self.incoming(article, claims, now)
        candidates = load_candidates(db, incoming, self.window)
        best = best_story(candidates, incoming, self.similarity, self.window)
        if best is None:
            story_id = create_story(db, article, topic, incoming, len(claims))
            log.info("new story %s: %s", story_id, article.title[:80])
            return story_id
        update_story(db, best, topic, incoming, len(claims))
        log.debug("article %s joins story %s", article.id, best.id)
        return best.id

    def incoming(self, article: Article, claims: Sequence[Claim], now: datetime) -> Incoming:
        vector = self.encoder.embed([story_text(article)])[0]
        places = article_places(claims)
        text = story_text(article)
        return Incoming(np.asarray(vector, dtype=np.float32), article_actors(article, claims),
                        places, _utc(article.published or now),
                        frozenset(specific(places)) | name_keys(text), lead_keys(text),
                        denying_sides(claims))


def denying_sides(claims: Sequence[Claim]) -> frozenset[str]:
    """The known sides the article's denials speak for (speakers named by a role resolved)."""
    resolved = speakers.resolve_speakers(claims)
    return frozenset(s for c in resolved if parties.is_denial(c)
                     for s in [parties.side(parties.speaking_for(c))] if parties.is_known(s))


def story_text(article: Article) -> str:
    return ". ".join(p for p in (article.title, article.summary) if p)[:2000]


def article_actors(article: Article, claims: Sequence[Claim]) -> frozenset[str]:
    named = {a for c in claims for a in (c.speaker_actor, c.accused_actor) if a}
    named.update(mentioned_actors(f"{article.title}. {article.summary}"))
    return frozenset(named)


@lru_cache(maxsize=65536)  # every stored headline is read again for each incoming article
def name_keys(text: str) -> frozenset[str]:
    """Proper names that pin an incident down: capitalised words inside a sentence that are
    no actor, country or common word ("Saltivka", "Tal Mardikh" -> "mardikh"), case-folded."""
    keys: set[str] = set()
    for match in _CAPITALISED.finditer(text):
        if not _opens_sentence(text, match.start()):
            keys.update(_key(match.group(0)))
    return frozenset(keys - named_actor_words(text)) if keys else frozenset()


def lead_keys(text: str) -> frozenset[str]:
    """Capitalised words opening a sentence or headline ("Idlib doctors treat ..."). Alone
    they say nothing (most are ordinary words), but they may match a story's `name_keys`."""
    keys: set[str] = set()
    for match in _CAPITALISED.finditer(text):
        if _opens_sentence(text, match.start()):
            keys.update(_key(match.group(0)))
    return frozenset(keys - named_actor_words(text)) if keys else frozenset()


def _opens_sentence(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or before[-1] in ".!?:\"“"


@lru_cache(maxsize=65536)
def _key(token: str) -> frozenset[str]:
    """The case-folded key of a capitalised token, or nothing for a word naming no incident."""
    word = _POSSESSIVE.sub("", token).strip("'’-")
    folded = word.casefold()
    if len(folded) < 4 or folded in COMMON_WORDS or folded in _actor_words():
        return frozenset()
    if _DESCRIPTOR.search(word) or is_country(word) or known_actor(f"{word} forces"):
        return frozenset()
    # "Dargol-Kaina" also keys "dargol" and "kaina": another outlet writes "near Dargol"
    parts = {p for p in re.split(r"[-’']", folded) if len(p) >= 4 and p not in COMMON_WORDS
             and p not in _actor_words()} if "-" in folded else set()
    return frozenset({folded} | parts)


@lru_cache(maxsize=1)
def _actor_words() -> frozenset[str]:
    """The words that name a party wherever they stand: one-word aliases ("Hamas",
    "Tatmadaw") and country names and demonyms. A word of a longer name ("Shams" of a
    general's name, "Salif" of a rebel leader's) is a party's only where that whole name is
    written (`named_actor_words`): alone it may be a place ("Nur Shams", "Salif port")."""
    tab = table()
    return frozenset(w for key in (*tab.aliases, *tab.states) if len(key) == 1 for w in key)


def article_places(claims: Sequence[Claim]) -> frozenset[str]:
    return frozenset(p.strip() for c in claims for p in c.places if p and p.strip())


def specific(places: Iterable[str]) -> set[str]:
    """Places below country level, case-folded: Saltivka, Idlib, Gaza City."""
    return {p.casefold() for p in places if not is_country(p)}


def score(candidate: Candidate, incoming: Incoming) -> tuple[float, float, int]:
    """(match score, encoder similarity, number of shared keys)."""
    similarity = float(incoming.vector @ _unit(candidate.vector))
    common = len(candidate.keys & (incoming.keys | incoming.leads))
    shared = common > 0
    apart = not shared and bool(candidate.keys) and bool(incoming.keys)
    actors = (candidate.actors & incoming.actors) - GENERIC_ACTORS
    answers = bool(candidate.accused & incoming.denying)
    bonus = KEY_BONUS * shared - KEY_CONFLICT * apart + ACTOR_BONUS * min(MAX_ACTORS, len(actors))
    bonus += ANSWER_BONUS * answers
    return similarity + bonus, similarity, common


def best_story(candidates: Sequence[Candidate], incoming: Incoming, threshold: float,
               window: timedelta) -> Candidate | None:
    """The best-matching open story, or a closed one matched strongly; None for a new story."""
    best: tuple[float, Candidate] | None = None
    for candidate in candidates:
        total, similarity, shared = score(candidate, incoming)
        if not is_open(candidate, incoming.moment, window):
            if not reopens(similarity, shared):
                continue
            total -= REOPEN_MARGIN
        if total >= threshold and (best is None or total > best[0]):
            best = (total, candidate)
    return best[1] if best else None


def reopens(similarity: float, shared: int) -> bool:
    """A closed story takes an article again: it shares a key and is close, or shares
    several keys ("Datu Saudi Ampatuan", "Bangsamoro") and is fairly close (an autopsy report
    weeks later tells the incident in other words)."""
    return shared > 0 and similarity >= REOPEN_MIN_SIMILARITY or (
        shared >= REOPEN_KEYS and similarity >= REOPEN_KEYS_SIMILARITY)


def is_open(candidate: Candidate, moment: datetime, window: timedelta) -> bool:
    return candidate.first_seen - window <= moment <= candidate.last_seen + window


def load_candidates(db: Any, incoming: Incoming, window: timedelta) -> list[Candidate]:
    """Open stories, and closed ones whose articles share one of the article's keys."""
    start, end = iso(incoming.moment - window), iso(incoming.moment + window)
    rows = list(db.query(
        "select * from stories where embedding is not null and last_seen >= ? and first_seen <= ?",
        [start, end]))
    seen = {r["id"] for r in rows}
    closed = [i for i in stories_naming(db, incoming.keys) if i not in seen]
    if closed:
        marks = ",".join("?" * len(closed))
        rows += list(db.query(
            f"select * from stories where embedding is not null and id in ({marks})", closed))
    rows = [r for r in rows if (r.get("label") or "") != "other"]
    ids = [r["id"] for r in rows]
    keys, accused = story_keys(db, ids), story_accused(db, ids) if incoming.denying else {}
    return [replace(candidate_from_row(r, keys.get(r["id"], frozenset())),
                    accused=accused.get(r["id"], frozenset())) for r in rows]


def story_accused(db: Any, story_ids: Sequence[str]) -> dict[str, frozenset[str]]:
    """The known sides each story's allegations accuse."""
    from monitor.store.claims import claim_from_row

    out: dict[str, set[str]] = {i: set() for i in story_ids}
    for start in range(0, len(story_ids), 500):
        chunk = list(story_ids[start:start + 500])
        marks = ",".join("?" * len(chunk))
        for row in db.query(f"""select * from claims where stance = 'allegation'
                                and story_id in ({marks})""", chunk):
            sides = parties.accused_sides(claim_from_row(row))
            out[row["story_id"]] |= {s for s in sides if parties.is_known(s)}
    return {i: frozenset(s) for i, s in out.items()}


def stories_naming(db: Any, keys: Iterable[str]) -> list[str]:
    """Stories with an article whose title, summary or text contains one of the keys."""
    terms = sorted(keys)[:MAX_FTS_TERMS]
    if not terms:
        return []
    query = " OR ".join('"' + t.replace('"', " ") + '"' for t in terms)
    rows = db.execute(
        """select distinct c.story_id from claims c join articles a on a.id = c.article_id
           where c.story_id is not null and a.rowid in (
               select rowid from articles_fts where articles_fts match ?)""", [query])
    return [r[0] for r in rows.fetchall()]


def story_keys(db: Any, story_ids: Sequence[str]) -> dict[str, frozenset[str]]:
    """Each story's keys: its places and the proper names of its articles' headlines and
    summaries."""
    out: dict[str, set[str]] = {i: set() for i in story_ids}
    for start in range(0, len(story_ids), 500):
        chunk = list(story_ids[start:start + 500])
        marks = ",".join("?" * len(chunk))
        for story_id, title, summary in db.execute(
                f"""select distinct c.story_id, a.title, a.summary from claims c
                    join articles a on a.id = c.article_id where c.story_id in ({marks})""",
                chunk).fetchall():
            out[story_id] |= name_keys(". ".join(p for p in (title, summary) if p))
    return {i: frozenset(k) for i, k in out.items()}


def candidate_from_row(row: dict[str, Any], keys: frozenset[str] = frozenset()) -> Candidate:
    places = frozenset(json.loads(row["places"] or "[]"))
    return Candidate(
        id=row["id"], vector=np.frombuffer(row["embedding"], dtype=np.float32),
        actors=frozenset(json.loads(row["actors"] or "[]")), places=places,
        first_seen=_parse(row["first_seen"]), last_seen=_parse(row["last_seen"]),
        label=row.get("label") or "war_crime_allegation",
        keys=frozenset(specific(places)) | keys,
    )


def create_story(db: Any, article: Article, topic: Topic, incoming: Incoming,
                 claims: int) -> str:
    story_id = short_id("st", article.id)
    db["stories"].insert({
        "id": story_id, "title": article.title or article.summary[:120], "label": topic.label,
        "first_seen": iso(incoming.moment), "last_seen": iso(incoming.moment),
        "actors": json.dumps(sorted(incoming.actors)), "places": json.dumps(sorted(
            incoming.places)), "claims": claims, "muted": 0,
        "embedding": incoming.vector.astype(np.float32).tobytes(),
    }, replace=True)
    return story_id


def update_story(db: Any, story: Candidate, topic: Topic, incoming: Incoming,
                 claims: int) -> None:
    """Fold the article into the story: running-mean embedding, actors, places, times."""
    count = story_articles(db, story.id)
    mean = (story.vector * count + incoming.vector) / (count + 1)
    label = max((story.label, topic.label), key=lambda x: LABEL_RANK.get(x, 0))
    db.execute(
        """update stories set embedding = ?, actors = ?, places = ?, first_seen = ?,
           last_seen = ?, claims = coalesce(claims, 0) + ?, label = ? where id = ?""",
        [mean.astype(np.float32).tobytes(), json.dumps(sorted(story.actors | incoming.actors)),
         json.dumps(sorted(story.places | incoming.places)),
         iso(min(story.first_seen, incoming.moment)), iso(max(story.last_seen, incoming.moment)),
         claims, label, story.id],
    )


def story_articles(db: Any, story_id: str) -> int:
    """Articles already in the story (at least 1: the one that started it)."""
    row = db.execute("select count(distinct article_id) from claims where story_id = ?",
                     [story_id]).fetchone()
    return max(1, int(row[0] or 0))


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def _parse(value: str) -> datetime:
    return _utc(datetime.fromisoformat(value.replace("Z", "+00:00")))


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
