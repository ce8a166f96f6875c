"""OPML: nested outlines read safely; importing twice adds nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from monitor.errors import ConfigError
from monitor.feeds.opml import import_opml, read_opml
from monitor.store import Store
from monitor.store.feeds import list_feeds, remove_feed
from tests.feed_fixtures import NOW

OPML = b"""<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0">
  <head><title>Subscriptions</title></head>
  <body>
    <outline text="World">
      <outline text="UN News" title="UN News: all" type="rss"
               xmlUrl="https://news.un.org/feed/subscribe/en/news/all/rss.xml"/>
      <outline text="Regions">
        <outline text="Kyiv Independent" xmlUrl="https://kyivindependent.com/feed/"/>
      </outline>
    </outline>
    <outline text="A folder without feeds"/>
    <outline text="Duplicate" xmlUrl="https://kyivindependent.com/feed/"/>
    <outline xmlUrl="https://no-name.example/rss"/>
    <outline text="Not http" xmlUrl="ftp://files.example/feed.xml"/>
  </body>
</opml>"""


def test_read_nested_outlines() -> None:
    assert read_opml(OPML) == [
        ("UN News: all", "https://news.un.org/feed/subscribe/en/news/all/rss.xml"),
        ("Kyiv Independent", "https://kyivindependent.com/feed/"),
        ("https://no-name.example/rss", "https://no-name.example/rss"),
        ("Not http", "ftp://files.example/feed.xml"),
    ]


def test_import_twice_adds_nothing(tmp_path: Path, feed_store: Store) -> None:
    path = tmp_path / "feeds.opml"
    path.write_bytes(OPML)
    assert import_opml(feed_store, path, NOW) == (3, 1)
    assert import_opml(feed_store, path, NOW) == (0, 4)
    feeds = list_feeds(feed_store)
    assert len(feeds) == 3 and {f["origin"] for f in feeds} == {"opml"}


def test_removed_feed_stays_removed(tmp_path: Path, feed_store: Store) -> None:
    path = tmp_path / "feeds.opml"
    path.write_bytes(OPML)
    import_opml(feed_store, path, NOW)
    assert remove_feed(feed_store, "https://kyivindependent.com/feed/") == 1
    assert import_opml(feed_store, path, NOW) == (0, 4)
    assert len(list_feeds(feed_store)) == 2


@pytest.mark.parametrize(
    "raw",
    [
        b"<opml><body><outline xmlUrl='https://a.example/rss'>",  # truncated
        b"not xml at all",
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x "' + b"y" * 1000 + b'">]>'
        b'<opml><body><outline text="&x;&x;" xmlUrl="https://a.example/rss"/></body></opml>',
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<opml><body><outline text="&x;" xmlUrl="https://a.example/rss"/></body></opml>',
    ],
)
def test_bad_or_hostile_opml_is_a_clear_error(raw: bytes) -> None:
    with pytest.raises(ConfigError, match="OPML"):
        read_opml(raw)


def test_missing_file_is_a_clear_error(tmp_path: Path, feed_store: Store) -> None:
    with pytest.raises(ConfigError, match="cannot read OPML"):
        import_opml(feed_store, tmp_path / "absent.opml", NOW)
