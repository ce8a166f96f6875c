"""StoryLinker: one story per incident across outlets and days; never for `other` articles."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pytest

from monitor.detect.stories import Candidate, Incoming, StoryLinker, best_story, name_keys
from monitor.records import Article, Topic
from monitor.store import Store
from tests.detect_helpers import T0, WordEncoder, claim

CRIME = Topic("war_crime_allegation", {"war_crime_allegation": 0.9})
CONFLICT = Topic("armed_conflict", {"armed_conflict": 0.8})
OTHER = Topic("other", {"other": 0.9})


def article(aid: str, title: str, summary: str = "", hours: float = 0) -> Article:
    return Article(id=aid, feed_id="", source=f"Outlet {aid}", url=f"https://x.org/{aid}",
                   title=title, summary=summary, published=T0 + timedelta(hours=hours))


def link(linker: StoryLinker, store: Store, art: Article, topic: Topic = CRIME,
         places: tuple[str, ...] = (), actors: tuple[str, str] = ("", "")) -> str | None:
    claims = [claim(f"{art.id}-c", art.id, "allegation", art.title, speaker_actor=actors[0],
                    accused_actor=actors[1], places=places, hours=0)]
    with store.transaction() as db:
        db["articles"].insert({"id": art.id, "title": art.title}, replace=True)
        story = linker.link(db, art, topic, claims, art.published or T0)
        if story:  # what write_claims does after link()
            db["claims"].insert({"id": claims[0].id, "article_id": art.id, "story_id": story,
                                 "text": art.title}, replace=True)
    return story


@pytest.fixture
def linker() -> StoryLinker:
    return StoryLinker(WordEncoder(), similarity=0.55, window_hours=240)


def test_reports_of_one_incident_form_one_story(linker: StoryLinker, store: Store) -> None:
    first = link(linker, store, article("a1", "Shelling hits aid point in Kherson, seven killed",
                                        "Russian artillery struck an aid point in Kherson."),
                 places=("Kherson",), actors=("Ukraine", "Russia"))
    second = link(linker, store, article("a2", "Russian shelling of Kherson aid point kills seven",
                                         "Russian forces shelled an aid point in Kherson.", 5),
                  topic=CONFLICT, places=("Kherson", "Dniprovskyi"), actors=("Russia", ""))
    assert first and second == first
    with store.reading() as db:
        row = db["stories"].get(first)
    assert row["title"] == "Shelling hits aid point in Kherson, seven killed"
    assert row["label"] == "war_crime_allegation"  # the stronger label is kept
    assert json.loads(row["places"]) == ["Dniprovskyi", "Kherson"]
    assert {"Russia", "Ukraine"} <= set(json.loads(row["actors"]))
    assert row["first_seen"] == "2024-05-01T08:00:00Z"
    assert row["last_seen"] == "2024-05-01T13:00:00Z"
    assert row["claims"] == 2
    vector = np.frombuffer(row["embedding"], dtype=np.float32)
    assert vector.shape == (384,)


def test_an_unrelated_article_starts_a_new_story(linker: StoryLinker, store: Store) -> None:
    first = link(linker, store, article("a1", "Shelling hits aid point in Kherson, seven killed"),
                 places=("Kherson",))
    other = link(linker, store, article("a2", "Gunmen abduct pupils from school in Zamfara", "",
                                        2), places=("Zamfara",))
    assert other and other != first


def test_articles_labelled_other_are_never_linked(linker: StoryLinker, store: Store) -> None:
    assert link(linker, store, article("a1", "Football club wins the cup"), topic=OTHER) is None
    with store.reading() as db:
        assert db["stories"].count == 0


def test_a_closed_story_reopens_only_for_a_strong_match_naming_its_place(
        linker: StoryLinker, store: Store) -> None:
    first = link(linker, store, article("a1", "Chlorine attack on Tal Mardikh village",
                                        "Canisters released chlorine over Tal Mardikh."),
                 places=("Tal Mardikh",))
    months = 24 * 300
    elsewhere = link(linker, store, article("a3", "Chlorine attack on Saraqib village",
                                            "Canisters released chlorine over Saraqib.", months),
                     places=("Saraqib",))
    later = link(linker, store, article("a2", "Inquiry on the chlorine attack on Tal Mardikh",
                                        "Chlorine was released over Tal Mardikh village.",
                                        months + 1), places=("Tal Mardikh",))
    assert later == first
    assert elsewhere != first


def candidate(vector: list[float], keys: frozenset[str] = frozenset(),
              hours: float = 0) -> Candidate:
    return Candidate("s", np.array(vector, dtype=np.float32), frozenset(), frozenset(),
                     T0 + timedelta(hours=hours), T0 + timedelta(hours=hours), keys=keys)


def test_best_story_scores_similarity_keys_and_the_window() -> None:
    near = Incoming(np.array([1.0, 0.0], dtype=np.float32), frozenset(), frozenset(), T0,
                    keys=frozenset({"homs"}))
    window = timedelta(hours=240)
    half = [0.5, 0.866]  # cosine 0.5 with `near`
    assert best_story([candidate(half)], near, 0.55, window) is None
    assert best_story([candidate(half, frozenset({"homs"}))], near, 0.55, window) is not None
    assert best_story([candidate(half, frozenset({"idlib"}))], near, 0.55, window) is None
    old = candidate([1.0, 0.0], hours=-24 * 60)
    assert best_story([old], near, 0.55, window) is None  # closed, no shared key
    reopened = candidate([1.0, 0.0], frozenset({"homs"}), hours=-24 * 60)
    assert best_story([reopened], near, 0.55, window) is reopened


def test_name_keys_are_proper_names_of_places_not_actors_or_common_words() -> None:
    text = ("Rescuers say gas attack hit village. Rescue workers said canisters released gas "
            "over the village of Tal Mardikh, in Idlib. The White Helmets blamed Syrian "
            "government forces on Monday, Reuters said.")
    assert name_keys(text) == {"mardikh", "idlib"}


def test_a_headline_opening_with_a_storys_place_shares_its_key() -> None:
    from monitor.detect.stories import lead_keys

    assert lead_keys("Idlib doctors treat patients. Witnesses saw barrels.") == {"idlib"}
    assert name_keys("Fighters of the al Qaeda-linked group attacked Pissila.") == {"pissila"}
    near = Incoming(np.array([1.0, 0.0], dtype=np.float32), frozenset(), frozenset(), T0,
                    keys=frozenset({"saraqib"}), leads=frozenset({"idlib"}))
    story = candidate([0.5, 0.866], frozenset({"idlib", "mardikh"}))
    assert best_story([story], near, 0.55, timedelta(hours=240)) is story


def test_a_denial_by_the_accused_joins_the_story_it_answers(
        linker: StoryLinker, store: Store) -> None:
    from monitor.detect.stories import load_candidates
    from monitor.store.claims import write_claims

    report = article("a1", "Rights group says strikes on homes killed 40",
                     "Amnesty said Russian bombers hit homes in Homs.")
    alleged = [claim("c1", "a1", "allegation", report.summary, speaker_actor="Amnesty "
                     "International", accused="Russian bombers", accused_actor="Russia")]
    with store.transaction() as db:
        db["articles"].insert({"id": "a1", "title": report.title})
        first = linker.link(db, report, CRIME, alleged, T0)
        write_claims(db, alleged, first, T0)
    plain = article("a2", "Spokesman says the report contained fake information", "", 6)
    answer = article("a3", "Spokesman says the report contained fake information", "", 6)
    with store.transaction() as db:
        quiet = linker.incoming(plain, [claim("q", "a2", "other", plain.title,
                                              speaker_actor="Russia")], T0)
        denial = linker.incoming(answer, [claim("d", "a3", "denial", answer.title,
                                                speaker_actor="Russia")], T0)
        candidates = load_candidates(db, denial, timedelta(hours=240))
    [story] = candidates
    assert story.id == first and story.accused == {"Russia"}
    assert best_story(candidates, quiet, 0.2, timedelta(hours=240)) is None
    assert best_story(candidates, denial, 0.2, timedelta(hours=240)) == story
