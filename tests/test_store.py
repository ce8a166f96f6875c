from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from monitor.records import Article
from monitor.store import Store, open_store
from monitor.store import articles as article_store
from monitor.store.schema import MIGRATIONS

NOW = datetime(2024, 3, 1, 12, tzinfo=UTC)
WINDOW = timedelta(hours=48)


def art(id_: str, title: str, url: str = "", summary: str = "s", feed: str = "") -> Article:
    return Article(
        id=id_, feed_id=feed, source="Test", url=url, title=title, summary=summary, published=NOW
    )


def upsert(store: Store, *articles: Article) -> list[str]:
    with store.transaction() as db:
        return [u.status for u in article_store.upsert_articles(db, articles, NOW, WINDOW)]


def test_wal_busy_timeout_and_migrations_recorded(tmp_path: Path) -> None:
    store = open_store(tmp_path / "m.db")
    assert store.db.execute("pragma journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("pragma busy_timeout").fetchone()[0] >= 1000
    names = [r["name"] for r in store.db["_migrations"].rows]
    assert names == [name for name, _ in MIGRATIONS]
    store.close()
    again = open_store(tmp_path / "m.db")  # re-opening applies nothing twice
    assert again.db["_migrations"].count == len(MIGRATIONS)
    again.close()


def test_reader_sees_committed_rows_while_writer_holds_connection(tmp_path: Path) -> None:
    store = open_store(tmp_path / "m.db")
    upsert(store, art("a1", "First"))
    reader = sqlite3.connect(f"file:{tmp_path / 'm.db'}?mode=ro", uri=True)
    assert reader.execute("select count(*) from articles").fetchone()[0] == 1
    reader.close()
    store.close()


def test_dedup_by_id_url_and_title_and_revisions(store: Store) -> None:
    assert upsert(
        store, art("a1", "Shelling hits market in Kharkiv", "https://x.example/1?utm_source=rss")
    ) == ["new"]
    assert upsert(store, art("a1", "Shelling hits market in Kharkiv", "https://x.example/1")) == [
        "seen"
    ]
    # same canonical URL from another feed
    assert upsert(
        store, art("b7", "Market shelling: death toll rises", "https://x.example/1?fbclid=abc")
    ) == ["revised"]
    # same normalised title, different URL, within the window
    assert upsert(store, art("c9", "Market shelling: death toll rises", "https://y.example/2")) == [
        "seen"
    ]
    # the same title with a changed summary is a revision of that article
    assert upsert(
        store,
        art(
            "d2", "Market shelling: death toll rises", "https://y.example/3", summary="Updated toll"
        ),
    ) == ["revised"]
    # a short title is not enough to call two articles one
    assert upsert(store, art("e5", "Live", "https://y.example/4")) == ["new"]
    assert upsert(store, art("f6", "Live", "https://y.example/5")) == ["new"]
    assert store.db["articles"].count == 3
    assert store.db["article_revisions"].count == 2
    row = store.db["articles"].get("a1")
    assert row["revisions"] == 2 and row["title"] == "Market shelling: death toll rises"


def test_full_text_search_is_stemmed(store: Store) -> None:
    upsert(store, art("a1", "Ministry denied the strike", "https://x.example/1"))
    hits = list(store.db["articles"].search("deny"))
    assert [h["id"] for h in hits] == ["a1"]
