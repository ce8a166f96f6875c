"""`monitor browse`: Datasette on the monitor's store, checked as a user meets it.

Two stores are browsed, each served by the real command (`monitor browse --port N` in a
subprocess on 127.0.0.1):

- `seeded`: a story written row by row (feeds, articles through the store's own upsert, then
  claims, stories and alerts as the pipeline writes them), so every facet count and every
  canned-query row is known exactly. Its pages are also loaded in headless Chromium and
  screenshotted under test-artifacts/ (the screenshots of docs/operations.md come from here).
- `pipeline`: the same articles through `monitor.pipeline.run_batch` with the real models, to
  show the pages hold what the real stages write.

The articles are written for this test: an allegation reported by two outlets, the accused's
denial and its re-report, evidence that contradicts the denial, an admission, a second story
with its own denial, and an unrelated item. Places and parties are real, people, figures and
quotes invented.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from monitor.records import Article, Topic
from monitor.store import Store, iso, open_store
from monitor.store import articles as article_store
from monitor.store.alerts import write_alerts

pytestmark = pytest.mark.model

REPO = Path(__file__).resolve().parents[1]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
# midnight UTC twelve days ago: dates stay the same all day, feed ages stay realistic
BASE = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0) - timedelta(days=12)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return BASE + timedelta(days=day, hours=hour, minutes=minute)


FEEDS = [  # id, name, health
    ("f_reuters", "Reuters World", "ok"),
    ("f_aljazeera", "Al Jazeera English", "ok"),
    ("f_sudantribune", "Sudan Tribune", "failing"),
    ("f_asharq", "Asharq Al-Awsat", "stale"),
    ("f_hrw", "Human Rights Watch", "ok"),
    ("f_bbc", "BBC World", "ok"),
    ("f_kyiv", "Kyiv Independent", "ok"),
    ("f_tass", "TASS", "ok"),
]


def _article(key: str, feed: str, source: str, when: datetime, title: str, text: str) -> Article:
    return Article(id=f"a_{key}", feed_id=feed, source=source,
                   url=f"https://news.example.org/{feed[2:]}/{key}", title=title, summary=text,
                   published=when, text=text, guid=f"urn:test:{key}")


ARTICLES = [
    _article("a1", "f_reuters", "Reuters", at(0, 8),
             "Shelling of El Fasher hospital kills nine, doctors say",
             "Doctors at the Saudi Hospital in El Fasher said that shells fired by the "
             "Rapid Support Forces hit the maternity ward, killing nine patients, including two "
             "children. Reuters could not independently confirm the account."),
    _article("a2", "f_aljazeera", "Al Jazeera", at(0, 12, 30),
             "Sudan's army accuses RSF of shelling hospital in El Fasher",
             "The Sudanese army accused the Rapid Support Forces of deliberately shelling the "
             "Saudi Hospital in El Fasher, killing at least 10 civilians, army spokesman Nabil "
             "Abdallah said in a statement."),
    _article("a7", "f_reuters", "Reuters", at(0, 16),
             "Central bank holds interest rates as inflation eases",
             "The central bank kept its benchmark rate unchanged, saying inflation had "
             "eased for a third month and that growth remained steady."),
    _article("a3", "f_sudantribune", "Sudan Tribune", at(1, 9),
             "RSF denies shelling El Fasher hospital",
             "The Rapid Support Forces denied that its fighters had shelled the Saudi "
             "Hospital in El Fasher. RSF spokesman Al-Fateh Qurashi said its units were nowhere "
             "near the hospital and called the accusations fabrications by the army."),
    _article("a4", "f_asharq", "Asharq Al-Awsat", at(1, 15),
             "Rapid Support Forces reject El Fasher hospital accusation",
             "The paramilitary Rapid Support Forces rejected accusations that it shelled a "
             "hospital in El Fasher, calling the reports baseless army propaganda."),
    _article("a5", "f_hrw", "Human Rights Watch", at(4, 10),
             "Satellite images place RSF artillery near El Fasher hospital",
             "Human Rights Watch said that satellite imagery and witness accounts "
             "placed RSF artillery two kilometres from the Saudi Hospital on the day it was hit, "
             "and that 12 people were killed, contradicting the group's account."),
    _article("b1", "f_kyiv", "Kyiv Independent", at(6, 7),
             "Russian drone strikes commuter bus in Zaporizhzhia, governor says",
             "A Russian drone struck a commuter bus in Zaporizhzhia, killing "
             "five passengers, regional governor Ivan Fedorov said."),
    _article("b2", "f_tass", "TASS", at(6, 16),
             "Moscow denies striking Zaporizhzhia bus",
             "Russian Defence Ministry spokesman Igor Konashenkov denied that Russian forces had "
             "struck a bus in Zaporizhzhia, saying they do not target civilians."),
    _article("a6", "f_bbc", "BBC", at(10, 11),
             "RSF commander admits fire near El Fasher hospital",
             "A senior RSF commander acknowledged that his forces had fired at army "
             "positions next to the Saudi Hospital in El Fasher and said an inquiry into the "
             "deaths of civilians had been opened."),
]
BY_KEY = {a.id[2:]: a for a in ARTICLES}
CRIME = Topic("war_crime_allegation",
              {"war_crime_allegation": 0.93, "armed_conflict": 0.05, "other": 0.02})
OTHER = Topic("other", {"war_crime_allegation": 0.01, "armed_conflict": 0.02, "other": 0.97})
RSF, SAF = "Rapid Support Forces", "Sudanese Armed Forces"
S_FASHER, S_BUS = "s_elfasher", "s_zaporizhzhia_bus"


@dataclass(frozen=True)
class Row:
    """One seeded claim: article key, index, stance, speaker, org, actor, accused, casualties."""

    key: str
    idx: int
    stance: str
    text: str
    speaker: str = ""
    org: str = ""
    actor: str = ""
    accused: str = ""
    figure: tuple[int | None, int | None, str] | None = None

    @property
    def id(self) -> str:
        return f"c_{self.key}_{self.idx}"


CLAIMS = [
    Row("a1", 0, "allegation", BY_KEY["a1"].title, "doctors", "", "", RSF, (9, 9, "exact")),
    Row("a1", 1, "allegation", "Doctors at the Saudi Hospital in El Fasher said shells fired by "
        "the Rapid Support Forces hit the maternity ward, killing nine patients.",
        "Doctors at the Saudi Hospital", "", "", RSF, (9, 9, "exact")),
    Row("a2", 0, "allegation", "The Sudanese army accused the Rapid Support Forces of "
        "deliberately shelling the Saudi Hospital in El Fasher, killing at least 10 civilians.",
        "Nabil Abdallah", "Sudanese army", SAF, RSF, (10, None, "at_least")),
    Row("a3", 0, "denial", BY_KEY["a3"].title, "Rapid Support Forces", RSF, RSF, RSF),
    Row("a3", 1, "denial", "RSF spokesman Al-Fateh Qurashi said its units were nowhere near the "
        "hospital and called the accusations fabrications by the army.",
        "Al-Fateh Qurashi", RSF, RSF, RSF),
    Row("a4", 0, "denial", "The paramilitary Rapid Support Forces rejected accusations that it "
        "shelled a hospital in El Fasher, calling the reports baseless army propaganda.",
        "Rapid Support Forces", RSF, RSF, RSF),
    Row("a5", 0, "allegation", "Human Rights Watch said satellite imagery and witness accounts "
        "placed RSF artillery two kilometres from the Saudi Hospital on the day it was hit, and "
        "that 12 people were killed.", "Human Rights Watch", "Human Rights Watch",
        "Human Rights Watch", RSF, (12, 12, "exact")),
    Row("b1", 0, "allegation", BY_KEY["b1"].summary, "Ivan Fedorov", "Zaporizhzhia regional "
        "administration", "Ukraine", "Russian drone", (5, 5, "exact")),
    Row("b2", 0, "denial", BY_KEY["b2"].summary, "Igor Konashenkov", "Russian Defence Ministry",
        "Russia", "Russian forces"),
    Row("a6", 0, "admission", "A senior RSF commander acknowledged that his forces had fired at "
        "army positions next to the Saudi Hospital in El Fasher.", "a senior RSF commander",
        RSF, RSF, RSF),
]
ALERTS = [  # id, kind, claim, answers, thread_of, status, score, reason
    ("al_1", "denial", "c_a3_0", ("c_a1_0", "c_a2_0"), None, "sent", 0.92,
     "Rapid Support Forces deny the allegation that they shelled the Saudi Hospital"),
    ("al_2", "denial", "c_a4_0", ("c_a1_0", "c_a2_0"), "al_1", "sent", 0.85,
     "Re-report: Rapid Support Forces reject the hospital shelling accusation"),
    ("al_3", "contradiction", "c_a5_0", ("c_a3_0",), None, "logged", 0.81,
     "Satellite evidence places RSF artillery near the hospital, against the RSF denial"),
    ("al_4", "denial", "c_b2_0", ("c_b1_0",), None, "pending", 0.9,
     "Russia denies the governor's report that a Russian drone struck the bus"),
]


# -- building the stores ----------------------------------------------------------------------
def add_feeds(store: Store) -> None:
    now = datetime.now(UTC)
    with store.transaction() as db:
        for fid, name, health in FEEDS:
            failing = health == "failing"
            db["feeds"].insert({
                "id": fid, "name": name, "url": f"https://feeds.example.org/{fid[2:]}.xml",
                "origin": "config", "active": 1, "gone": 0, "interval": 900,
                "added_at": iso(BASE - timedelta(days=30)), "last_polled": iso(now),
                "last_success": iso(now - timedelta(days=1) if failing else now),
                "last_status": 503 if failing else 200,
                "last_error": "HTTP 503 Service Unavailable" if failing else None,
                "consecutive_failures": 3 if failing else 0,
                "next_poll": iso(now + timedelta(minutes=15)),
                "last_new_item": iso(now - timedelta(days=5 if health == "stale" else 0, hours=2)),
                "items_total": 40,
            })
            db["fetches"].insert({
                "feed_id": fid, "started_at": iso(now), "status": 503 if failing else 200,
                "outcome": "error" if failing else "ok", "bytes": 0 if failing else 18_000,
                "ms": 120, "items": 0 if failing else 20, "new_items": 0,
                "error": "HTTP 503 Service Unavailable" if failing else None,
            })


def seed(store: Store) -> None:
    """The rows the pipeline would write for ARTICLES, written directly (exact expectations)."""
    add_feeds(store)
    for article in ARTICLES:
        now = (article.published or BASE) + timedelta(minutes=10)
        with store.transaction() as db:
            article_store.upsert_articles(db, [article], now, timedelta(hours=48))
            article_store.set_topic(db, article.id, OTHER if article.id == "a_a7" else CRIME, now)
            claims = [c for c in CLAIMS if c.key == article.id[2:]]
            if claims:
                _seed_claims(db, article, claims, now)
            write_alerts(db, [_alert(a) for a in ALERTS if a[2].startswith(f"c_{article.id[2:]}_")],
                         now)
    with store.transaction() as db:  # sent and logged alerts as the outbox leaves them
        for alert_id, _kind, _claim, _answers, _thread, status, *_ in ALERTS:
            db.execute("update alerts set status = ? where id = ?", [status, alert_id])


def _seed_claims(db: Any, article: Article, claims: list[Row], now: datetime) -> None:
    story = S_BUS if article.id.startswith("a_b") else S_FASHER
    if not db["stories"].exists() or not db["stories"].count_where("id = ?", [story]):
        actors = [RSF, SAF] if story == S_FASHER else ["Russia", "Ukraine"]
        places = ["El Fasher"] if story == S_FASHER else ["Zaporizhzhia"]
        db["stories"].insert({"id": story, "title": article.title, "label": CRIME.label,
                              "first_seen": iso(article.published), "claims": 0,
                              "actors": json.dumps(actors), "places": json.dumps(places)})
    for c in claims:
        low, high, qualifier = c.figure or (None, None, "none")
        db["claims"].insert({
            "id": c.id, "article_id": article.id, "story_id": story, "idx": c.idx,
            "text": c.text, "stance": c.stance, "stance_score": 0.9, "speaker": c.speaker,
            "speaker_org": c.org, "speaker_actor": c.actor, "accused": c.accused,
            "accused_actor": RSF if RSF in c.accused else ("Russia" if "Russia" in c.accused
                                                            else ""),
            "casualties": json.dumps([] if c.figure is None else [
                {"min": low, "max": high, "qualifier": qualifier, "who": "people",
                 "outcome": "killed", "text": str(low)}]),
            "casualties_min": low, "casualties_max": high, "casualties_qualifier": qualifier,
            "places": db["stories"].get(story)["places"],
            "flags": "[]", "published": iso(article.published), "source": article.source,
            "url": article.url, "created_at": iso(now),
        })
    db.execute("update stories set last_seen = ?, claims = claims + ? where id = ?",
               [iso(article.published), len(claims), story])


def _alert(spec: tuple[Any, ...]) -> Any:
    from monitor.records import Alert

    alert_id, kind, claim, answers, thread_of, _status, score, reason = spec
    story = S_BUS if claim.startswith("c_b") else S_FASHER
    return Alert(id=alert_id, kind=kind, claim_id=claim, story_id=story, answers=answers,
                 reason=reason, score=score, thread_of=thread_of)


def build_with_pipeline(store: Store) -> None:
    """ARTICLES through the real stages, one poll at a time, in publication order."""
    from monitor import config, wiring
    from monitor.pipeline import run_batch

    parts = wiring.build_components(config.from_dict({}, env={}))
    add_feeds(store)
    for article in sorted(ARTICLES, key=lambda a: a.published or BASE):
        run_batch(store, [article], parts, (article.published or BASE) + timedelta(minutes=10))


# -- serving ----------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Browse:
    """`monitor browse` in a subprocess on 127.0.0.1, and an HTTP client for it."""

    def __init__(self, db_path: Path, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = workdir / "monitor.toml"
        config.write_text(f'[storage]\npath = "{db_path}"\n', encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("MONITOR_")}
        self.log = (workdir / "browse.log").open("w")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "monitor.cli", "--config", str(config), "browse",
             "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=REPO, env=env, stdout=self.log, stderr=subprocess.STDOUT,
        )
        self.client = httpx.Client(base_url=self.url, trust_env=False, timeout=30)
        try:
            self._wait(workdir / "browse.log")
        except BaseException:
            self.close()
            raise

    def _wait(self, log: Path) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"monitor browse exited:\n{log.read_text()}")
            try:
                if self.client.get("/-/versions.json").status_code == 200:
                    return
            except httpx.TransportError:
                pass  # not listening yet
            time.sleep(0.2)
        raise RuntimeError(f"monitor browse did not answer:\n{log.read_text()}")

    def json(self, path: str, **params: Any) -> Any:
        response = self.client.get(path, params=params)
        assert response.status_code == 200, (path, response.text[:300])
        return response.json()

    def rows(self, path: str, **params: Any) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = self.json(path, _shape="array", **params)
        return rows

    def html(self, path: str, **params: Any) -> str:
        response = self.client.get(path, params=params)
        assert response.status_code == 200, (path, response.text[:2000])
        return response.text

    def close(self) -> None:
        self.client.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


@pytest.fixture(scope="module")
def seeded_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    store = open_store(tmp_path_factory.mktemp("seeded") / "demo.db")
    seed(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def seeded(seeded_store: Store, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browse]:
    assert seeded_store.path is not None
    server = Browse(seeded_store.path, tmp_path_factory.mktemp("seeded-browse"))
    yield server
    server.close()


# -- the package ------------------------------------------------------------------------------
def test_metadata_describes_every_column_a_user_sees(seeded_store: Store) -> None:
    from monitor.browse import load_json

    tables = load_json("metadata.json")["databases"]["monitor"]["tables"]
    for name in seeded_store.db.table_names():
        assert name in tables, f"{name} has no metadata"
        if "_fts" in name:
            assert tables[name].get("hidden") is True
            continue
        assert tables[name]["description"], name
        described, actual = set(tables[name]["columns"]), set(seeded_store.db[name].columns_dict)
        assert described == actual, f"monitor/browse/metadata.json, {name}: {described ^ actual}"


def test_make_app_refuses_a_missing_file(tmp_path: Path) -> None:
    from monitor.browse import make_app
    from monitor.errors import ConfigError

    with pytest.raises(ConfigError, match="no database"):
        make_app(tmp_path / "absent.db")


def test_chart_escapes_and_stacks() -> None:
    from monitor.browse.chart import per_day, stance_chart

    counts = per_day([{"published": "2024-06-10T08:00:00Z", "stance": "allegation"},
                      {"published": "2024-06-10T09:00:00Z", "stance": "allegation"},
                      {"published": "2024-06-12T09:00:00Z", "stance": "denial"}])
    assert counts == [("2024-06-10", "allegation", 2), ("2024-06-12", "denial", 1)]
    svg = str(stance_chart(counts, title="<b>story</b>"))
    assert "<b>" not in svg and "&lt;b&gt;story" in svg
    assert svg.count('class="bar stance-allegation"') == 1
    assert "06-11" in svg  # the empty day between is drawn


# -- the JSON API -----------------------------------------------------------------------------
def test_index_hides_internal_tables(seeded: Browse) -> None:
    database = seeded.json("/monitor.json")
    visible = {t["name"] for t in database["tables"] if not t["hidden"]}
    assert {"alerts", "claims", "articles", "stories", "feeds"} <= visible
    assert not visible & {"fetches", "_migrations", "alert_answers", "mutes"}
    assert not any("_fts" in name for name in visible)
    assert seeded.rows("/monitor/fetches.json")  # hidden, still reachable
    assert {q["name"] for q in database["queries"]} >= {
        "latest_alerts", "story_timeline", "denials_by_speaker", "casualty_figures",
        "feeds_needing_attention", "claims_per_day", "stories_overview"}


def test_search_uses_stemming(seeded: Browse) -> None:
    articles = seeded.rows("/monitor/articles.json", _search="deny")
    assert {a["id"] for a in articles} == {"a_a3", "a_b2"}  # "denies", "denied"
    claims = seeded.rows("/monitor/claims.json", _search="deny")
    assert {c["id"] for c in claims} == {"c_a3_0", "c_b2_0"}
    assert seeded.rows("/monitor/claims.json", _search="Konashenkov")[0]["id"] == "c_b2_0"


def test_facets_count_what_is_stored(seeded: Browse) -> None:
    def facet(path: str, column: str) -> dict[str, int]:
        data = seeded.json(path, _facet=column)
        results = data["facet_results"]
        results = results.get("results", results)  # 0.65 nests them under "results" in places
        return {str(v["value"]): v["count"] for v in results[column]["results"]}

    assert facet("/monitor/claims.json", "stance") == {
        "allegation": 5, "denial": 4, "admission": 1}
    assert facet("/monitor/claims.json", "speaker_actor")[RSF] == 4
    assert facet("/monitor/alerts.json", "kind") == {"denial": 3, "contradiction": 1}
    assert facet("/monitor/alerts.json", "status") == {"sent": 2, "logged": 1, "pending": 1}
    assert facet("/monitor/articles.json", "topic") == {"war_crime_allegation": 8, "other": 1}
    assert facet("/monitor/stories.json", "label") == {"war_crime_allegation": 2}
    facets = seeded.json("/monitor/claims.json")["facet_results"]
    facets = facets.get("results", facets)
    assert {"stance", "speaker_actor", "accused_actor", "source", "story_id"} <= set(facets)


def test_tables_sort_newest_first(seeded: Browse) -> None:
    claims = seeded.rows("/monitor/claims.json")
    assert claims[0]["id"] == "c_a6_0"
    assert [s["id"] for s in seeded.rows("/monitor/stories.json")] == [S_FASHER, S_BUS]
    assert seeded.rows("/monitor/alerts.json")[0]["id"] == "al_4"
    assert seeded.rows("/monitor/articles.json")[0]["id"] == "a_a6"


def test_foreign_keys_show_labels(seeded: Browse) -> None:
    alert = seeded.rows("/monitor/alerts.json", _labels="on", id="al_1")[0]
    assert alert["claim_id"] == {"value": "c_a3_0", "label": BY_KEY["a3"].title}
    assert alert["answers_claim_id"]["label"] == BY_KEY["a1"].title
    assert alert["story_id"]["label"] == BY_KEY["a1"].title
    claim = seeded.rows("/monitor/claims.json", _labels="on", id="c_b2_0")[0]
    assert claim["article_id"]["label"] == BY_KEY["b2"].title
    article = seeded.rows("/monitor/articles.json", _labels="on", id="a_b2")[0]
    assert article["feed_id"] == {"value": "f_tass", "label": "TASS"}


def test_latest_alerts_puts_both_sides_side_by_side(seeded: Browse) -> None:
    rows = seeded.rows("/monitor/latest_alerts.json")
    assert [r["alert_id"] for r in rows] == ["al_4", "al_3", "al_2", "al_1"]
    first = next(r for r in rows if r["alert_id"] == "al_1")
    assert first["kind"] == "denial"
    assert first["new_speaker"] == "Rapid Support Forces"
    assert first["new_outlet"] == "Sudan Tribune"
    assert first["new_published"] == iso(at(1, 9))
    assert first["new_url"] == BY_KEY["a3"].url
    assert first["earlier_speaker"] == "doctors"
    assert first["earlier_outlet"] == "Reuters"
    assert first["earlier_published"] == iso(at(0, 8))
    assert first["earlier_url"] == BY_KEY["a1"].url
    assert first["story"] == BY_KEY["a1"].title and first["answers"] == 2
    assert next(r for r in rows if r["alert_id"] == "al_2")["re_report_of"] == "al_1"
    bus = next(r for r in rows if r["alert_id"] == "al_4")
    assert bus["new_speaker"] == "Igor Konashenkov (Russian Defence Ministry)"
    assert bus["earlier_speaker"] == "Ivan Fedorov (Zaporizhzhia regional administration)"
    only = seeded.rows("/monitor/latest_alerts.json", kind="contradiction")
    assert [r["alert_id"] for r in only] == ["al_3"]
    assert len(seeded.rows("/monitor/latest_alerts.json", story=S_BUS)) == 1


def test_story_timeline_runs_from_allegation_to_admission(seeded: Browse) -> None:
    rows = seeded.rows("/monitor/story_timeline.json", story=S_FASHER)
    assert [r["claim_id"] for r in rows] == [
        "c_a1_0", "c_a1_1", "c_a2_0", "c_a3_0", "c_a3_1", "c_a4_0", "c_a5_0", "c_a6_0"]
    assert [r["stance"] for r in rows][::3] == ["allegation", "denial", "allegation"]
    assert rows[-1]["stance"] == "admission"
    assert [r["alert"] for r in rows if r["alert"]] == ["denial", "denial", "contradiction"]
    assert [r["casualties"] for r in rows if r["casualties"]] == ["9", "9", "at least 10", "12"]
    assert rows[2]["outlet"] == "Al Jazeera" and rows[2]["url"] == BY_KEY["a2"].url
    # without a story: the most recently active one
    assert seeded.rows("/monitor/story_timeline.json") == rows
    assert len(seeded.rows("/monitor/story_timeline.json", story=S_BUS)) == 2


def test_denials_by_speaker(seeded: Browse) -> None:
    rows = seeded.rows("/monitor/denials_by_speaker.json")
    assert [(r["actor"], r["denials"], r["alerts"], r["stories"]) for r in rows] == [
        (RSF, 3, 2, 1), ("Russia", 1, 1, 1)]
    assert rows[0]["latest"] == iso(at(1, 15))
    assert rows[0]["example_outlet"] == "Asharq Al-Awsat"


def test_casualty_figures_per_source(seeded: Browse) -> None:
    rows = seeded.rows("/monitor/casualty_figures.json", story=S_FASHER)
    assert [(r["source"], r["min"], r["max"], r["qualifier"], r["claims"]) for r in rows] == [
        ("Reuters", 9, 9, "exact", 2), ("Al Jazeera", 10, None, "at_least", 1),
        ("Human Rights Watch", 12, 12, "exact", 1)]
    assert rows[0]["published"] == iso(at(0, 8))
    everything = seeded.rows("/monitor/casualty_figures.json")
    assert {r["story_id"] for r in everything} == {S_FASHER, S_BUS}


def test_feeds_needing_attention(seeded: Browse) -> None:
    rows = seeded.rows("/monitor/feeds_needing_attention.json")
    assert [(r["name"], r["state"]) for r in rows] == [
        ("Sudan Tribune", "failing"), ("Asharq Al-Awsat", "stale")]
    assert rows[0]["last_error"] == "HTTP 503 Service Unavailable"
    assert rows[0]["consecutive_failures"] == 3
    longer = seeded.rows("/monitor/feeds_needing_attention.json", hours="200")
    assert [r["name"] for r in longer] == ["Sudan Tribune"]


def test_claims_per_day_and_its_chart(seeded: Browse) -> None:
    rows = seeded.rows("/monitor/claims_per_day.json", story=S_FASHER)
    day = [iso(at(d, 0))[:10] for d in (0, 1, 4, 10)]
    assert [(r["day"], r["stance"], r["claims"]) for r in rows] == [
        (day[0], "allegation", 3), (day[1], "denial", 3), (day[2], "allegation", 1),
        (day[3], "admission", 1)]
    page = seeded.html("/monitor/claims_per_day", story=S_FASHER)
    assert '<svg class="stance-chart"' in page
    assert page.count('class="bar stance-') == 4
    timeline = seeded.html("/monitor/story_timeline", story=S_FASHER)
    assert '<svg class="stance-chart"' in timeline


def test_stories_overview(seeded: Browse) -> None:
    rows = seeded.rows("/monitor/stories_overview.json")
    assert [(r["story_id"], r["outlets"], r["allegations"], r["denials"], r["admissions"],
             r["alerts"]) for r in rows] == [(S_FASHER, 6, 4, 3, 1, 3), (S_BUS, 2, 1, 1, 0, 1)]
    assert rows[0]["accused"] == RSF
    assert [r["story_id"] for r in seeded.rows("/monitor/stories_overview.json", q="bus")] == [
        S_BUS]


def test_links_render_safely(seeded: Browse) -> None:
    page = seeded.html("/monitor/latest_alerts")
    assert f'href="{BY_KEY["a3"].url}"' in page  # outlet link
    assert f"/monitor/story_timeline?story={S_FASHER}" in page  # story -> timeline
    assert "/monitor/claims/c_a3_0" in page
    stories = seeded.html("/monitor/stories")
    assert f"/monitor/story_timeline?story={S_BUS}" in stories


def test_feed_text_is_escaped_and_new_rows_show_without_restart(
        seeded: Browse, seeded_store: Store) -> None:
    hostile = Article(id="a_hostile", feed_id="f_reuters", source="Reuters",
                      url="javascript:alert(1)", title='<img src=x onerror="alert(1)"> denied',
                      summary="<script>alert(2)</script>", published=at(11, 9))
    with seeded_store.transaction() as db:
        article_store.upsert_articles(db, [hostile], at(11, 9), timedelta(hours=48))
    try:
        found = seeded.rows("/monitor/articles.json", _search="denied")
        assert "a_hostile" in {a["id"] for a in found}  # the live file, no restart
        page = seeded.html("/monitor/articles", _search="denied")
        assert "<script>alert(2)" not in page and "<img src=x" not in page
        assert "&lt;img src=x" in page
        assert 'href="javascript:' not in page
    finally:
        with seeded_store.transaction() as db:
            db["articles"].delete("a_hostile")


def test_the_browser_cannot_write(seeded: Browse) -> None:
    # passes Datasette's "select only" check, then meets the read-only connection
    sql = "with t as (select 1) update feeds set name = 'x' where id = 'f_tass'"
    response = seeded.client.get("/monitor.json", params={"sql": sql, "_shape": "array"})
    assert response.status_code == 400
    assert "readonly" in response.text or "read-only" in response.text
    assert seeded.rows("/monitor/feeds.json", id="f_tass")[0]["name"] == "TASS"


# -- a real browser ---------------------------------------------------------------------------
def chromium(*args: str, workdir: Path) -> str:
    if not CHROMIUM.exists():
        pytest.skip("headless Chromium (/usr/bin/chromium) is not installed")
    profile = workdir / f"chromium-{time.monotonic_ns()}"
    command = [
        str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
        "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--disable-dev-shm-usage", "--no-proxy-server", "--hide-scrollbars",
        "--disable-extensions", f"--user-data-dir={profile}", *args,
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    shutil.rmtree(profile, ignore_errors=True)
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def screenshot(url: str, name: str, workdir: Path) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    path.unlink(missing_ok=True)
    chromium(f"--screenshot={path}", "--window-size=1400,1000", url, workdir=workdir)
    assert path.exists() and path.stat().st_size > 10_000
    return path


def test_alerts_page_in_chromium(seeded: Browse, tmp_path: Path) -> None:
    dom = chromium("--dump-dom", f"{seeded.url}/monitor/latest_alerts", workdir=tmp_path)
    assert "Latest alerts" in dom
    assert "RSF denies shelling El Fasher hospital" in dom
    assert "Sudan Tribune" in dom and "Asharq Al-Awsat" in dom
    assert "Igor Konashenkov (Russian Defence Ministry)" in dom
    assert "The claim it answers" in dom
    screenshot(f"{seeded.url}/monitor/latest_alerts", "browse-alerts.png", tmp_path)


def test_claims_per_day_in_chromium(seeded: Browse, tmp_path: Path) -> None:
    """The inline SVG chart, and datasette-vega's chart from the link beside it (offline)."""
    page = f"{seeded.url}/monitor/claims_per_day?story={S_FASHER}"
    vega = ("#g.mark=bar&g.x_column=day&g.x_type=ordinal&g.y_column=claims"
            "&g.y_type=quantitative&g.color_column=stance&g.color_type=nominal")
    assert vega.replace("&", "&amp;") in seeded.html("/monitor/claims_per_day", story=S_FASHER)
    dom = chromium("--virtual-time-budget=8000", "--dump-dom", page + vega, workdir=tmp_path)
    assert 'class="stance-chart"' in dom
    assert 'class="marks"' in dom  # vega drew its canvas
    screenshot(page, "browse-claims-per-day.png", tmp_path)


def test_story_timeline_in_chromium(seeded: Browse, tmp_path: Path) -> None:
    url = f"{seeded.url}/monitor/story_timeline?story={S_FASHER}"
    dom = chromium("--dump-dom", url, workdir=tmp_path)
    assert "Shelling of El Fasher hospital kills nine" in dom
    assert "stance-chart" in dom
    for text in ("allegation", "denial", "contradiction", "admission", "at least 10",
                 "Human Rights Watch", "BBC"):
        assert text in dom, text
    screenshot(url, "browse-timeline.png", tmp_path)


# -- the real pipeline ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Browse]]:
    for module in ("monitor.nlp.claims", "monitor.store.claims", "monitor.detect"):
        try:
            __import__(module)
        except ModuleNotFoundError as exc:
            pytest.skip(f"pipeline stage not present yet: {exc.name}")
    weights = REPO / "monitor" / "nlp" / "weights"
    if not weights.is_dir() or not any(weights.iterdir()):
        pytest.skip(f"the packaged model weights are not built yet ({weights})")
    store = open_store(tmp_path_factory.mktemp("pipeline") / "monitor.db")
    build_with_pipeline(store)
    assert store.path is not None
    server = Browse(store.path, tmp_path_factory.mktemp("pipeline-browse"))
    yield store, server
    server.close()
    store.close()


def test_pipeline_store_browses(pipeline: tuple[Store, Browse]) -> None:
    store, server = pipeline
    topics = {a["id"]: a["topic"] for a in server.rows("/monitor/articles.json", _size="max")}
    assert topics["a_a7"] == "other" and topics["a_a1"] == "war_crime_allegation"
    assert {a["id"] for a in server.rows("/monitor/articles.json", _search="deny")} >= {
        "a_a3", "a_b2"}
    with store.reading() as db:
        stances = {r["stance"]: r["n"] for r in db.query(
            "select stance, count(*) as n from claims group by stance")}
    data = server.json("/monitor/claims.json", _facet="stance")["facet_results"]
    facet = data.get("results", data)["stance"]["results"]
    assert {v["value"]: v["count"] for v in facet} == stances
    assert stances.get("allegation") and stances.get("denial")
    story = server.rows("/monitor/claims.json", _labels="on", id=_first_claim(store, "a_a1"))
    assert story[0]["article_id"]["label"] == BY_KEY["a1"].title


def test_pipeline_alerts_and_timeline(pipeline: tuple[Store, Browse]) -> None:
    store, server = pipeline
    alerts = server.rows("/monitor/latest_alerts.json", kind="denial")
    assert alerts, "the RSF denial raised no alert"
    rsf = [a for a in alerts if a["new_outlet"] in ("Sudan Tribune", "Asharq Al-Awsat")]
    assert rsf, alerts
    assert rsf[-1]["earlier_outlet"] in ("Reuters", "Al Jazeera")
    assert rsf[-1]["new_published"] > rsf[-1]["earlier_published"]
    timeline = server.rows("/monitor/story_timeline.json", story=rsf[-1]["story_id"])
    published = [r["published"] for r in timeline]
    assert published == sorted(published)
    assert {"Reuters", "Sudan Tribune"} <= {r["outlet"] for r in timeline}
    for query in ("denials_by_speaker", "casualty_figures", "feeds_needing_attention",
                  "claims_per_day", "stories_overview"):
        server.rows(f"/monitor/{query}.json")
    assert server.rows("/monitor/denials_by_speaker.json")


def _first_claim(store: Store, article_id: str) -> str:
    with store.reading() as db:
        row = db.execute("select id from claims where article_id = ? order by idx limit 1",
                         [article_id]).fetchone()
    if row is None:
        pytest.fail(f"no claim was extracted from {article_id}")
    return str(row[0])
