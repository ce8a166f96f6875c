"""parse_feed(): normalised articles from hostile or sloppy feed documents."""

from __future__ import annotations

import codecs
import time
from datetime import UTC, datetime, timedelta

from monitor.feeds.parse import entity_declarations, parse_feed
from monitor.records import Feed
from monitor.text import canonical_url, short_id
from tests.feed_fixtures import NOW
from tests.feedserver import (
    CP1252_TITLE,
    HTML_PAGE,
    cp1252_body,
    entity_bomb,
    garbage,
    item,
    rss_feed,
    utf8_body,
)

FEED = Feed(id="f_test", name="Configured name", url="https://news.example.org/feeds/all.xml")

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>The &lt;i&gt;Daily&lt;/i&gt; Example</title>
<language>en-GB</language>
<item><title>Strikes &amp;amp; &lt;b&gt;shelling&lt;/b&gt; near the front</title>
  <link>https://news.example.org/world/1?utm_source=rss&amp;utm_medium=feed&amp;id=7#top</link>
  <guid isPermaLink="false">urn:example:1</guid>
  <pubDate>Thu, 29 Feb 2024 14:30:00 +0200</pubDate>
  <description>&lt;p&gt;Officials said &amp;quot;dozens&amp;quot; were
  hurt&amp;nbsp;today.&lt;/p&gt; &lt;script&gt;alert(1)&lt;/script&gt;</description></item>
<item><title>No guid here</title><link>/world/2?fbclid=abc</link></item>
<item><title>Only a title, no link, no guid</title></item>
<item><description>neither title nor link: skipped</description></item>
<item><title>From the distant past</title><link>https://news.example.org/old</link>
  <pubDate>Mon, 01 Jan 1900 00:00:00 GMT</pubDate></item>
<item><title>From the future</title><link>https://news.example.org/future</link>
  <pubDate>Wed, 01 Jan 2031 00:00:00 GMT</pubDate></item>
</channel></rss>"""


def by_title(raw: bytes, content_type: str | None = None) -> dict[str, object]:
    parsed = parse_feed(raw, FEED, content_type, NOW)
    return {a.title: a for a in parsed.articles}


def test_item_fields_are_normalised() -> None:
    parsed = parse_feed(RSS, FEED, "application/rss+xml", NOW)
    assert parsed.error is None and not parsed.bozo
    first = parsed.articles[0]
    assert first.title == "Strikes & shelling near the front"
    assert first.summary == 'Officials said "dozens" were hurt today.'
    assert first.url == "https://news.example.org/world/1?id=7"
    # a GUID that is not a URL is unique only within its feed
    assert first.id == short_id("a", FEED.id, "urn:example:1") and first.guid == "urn:example:1"
    assert first.published == datetime(2024, 2, 29, 12, 30, tzinfo=UTC)
    assert first.language == "en-gb"
    assert first.source == "The Daily Example" and first.feed_id == FEED.id


def test_ids_links_and_dates_fall_back() -> None:
    items = by_title(RSS)
    no_guid = items["No guid here"]
    assert no_guid.url == "https://news.example.org/world/2"  # relative, resolved, cleaned
    assert no_guid.id == short_id("a", canonical_url("https://news.example.org/world/2"))
    title_only = items["Only a title, no link, no guid"]
    assert title_only.url == "" and title_only.id.startswith("a_")
    assert items["From the distant past"].published is None
    assert items["From the future"].published is None
    assert len(items) == 5  # the item with neither title nor link is skipped


def test_ids_are_stable_across_parses() -> None:
    once = [a.id for a in parse_feed(RSS, FEED, None, NOW).articles]
    again = [a.id for a in parse_feed(RSS, FEED, None, NOW + timedelta(days=3)).articles]
    assert once == again and len(set(once)) == len(once)


def test_atom_content_language_and_source() -> None:
    atom = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr"><title>Atom</title>
<entry><id>tag:x,2024:1</id><title type="html">&lt;b&gt;Gras&lt;/b&gt; titre</title>
<link href="/a/1?utm_campaign=x&amp;p=2"/><updated>2024-02-01T10:00:00+02:00</updated>
<content type="html">&lt;p&gt;Un &amp;eacute;t&amp;eacute; chaud&lt;/p&gt;</content></entry>
<entry xml:lang="de"><title>Zweiter</title><link href="https://b.example/2"/></entry>
</feed>"""
    first, second = parse_feed(atom, FEED, "application/atom+xml", NOW).articles
    assert (first.title, first.summary, first.language) == ("Gras titre", "Un été chaud", "fr")
    assert first.url == "https://news.example.org/a/1?p=2"
    assert first.published == datetime(2024, 2, 1, 8, 0, tzinfo=UTC)
    assert (second.language, second.source) == ("de", "Atom")


def test_source_falls_back_to_feed_name() -> None:
    raw = b'<rss version="2.0"><channel><item><title>t</title></item></channel></rss>'
    assert parse_feed(raw, FEED, None, NOW).articles[0].source == "Configured name"


def test_malformed_feed_keeps_recovered_items() -> None:
    broken = RSS.replace(b"</channel></rss>", b"<item><title>Unclosed & bad</title>")
    parsed = parse_feed(broken, FEED, "application/rss+xml", NOW)
    assert parsed.bozo and parsed.error
    assert "Strikes & shelling near the front" in {a.title for a in parsed.articles}


def test_hostile_bodies_never_raise() -> None:
    for raw, ctype in [(garbage(), "application/rss+xml"), (HTML_PAGE, "text/html"),
                       (b"/etc/passwd", None), (b"http://127.0.0.1:9/x", None),
                       (b"\x00\xff" * 100, None), (b"   ", None)]:
        parsed = parse_feed(raw, FEED, ctype, NOW)
        assert parsed.articles == [] and parsed.error


def test_entity_bombs_are_refused_quickly() -> None:
    quadratic = (b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "' + b"x" * 50_000
                 + b'">]><rss version="2.0"><channel><item><title>'
                 + b"&a;" * 50_000 + b"</title></item></channel></rss>")
    for raw in (entity_bomb(), quadratic, codecs.BOM_UTF16_LE + entity_bomb().decode()
                .encode("utf-16-le")):
        started = time.monotonic()
        parsed = parse_feed(raw, FEED, None, NOW)
        assert parsed.articles == [] and "entit" in (parsed.error or "")
        assert time.monotonic() - started < 0.5


def test_external_parameter_entity_is_allowed_but_not_fetched() -> None:
    raw = (b'<?xml version="1.0"?>\n<!DOCTYPE rss [\n<!ENTITY % lat1 PUBLIC "-//W3C//ENTITIES'
           b' Latin 1//EN" "http://127.0.0.1:9/lat1.ent">\n%lat1;\n]>\n'
           b'<rss version="2.0"><channel><item><title>Fine</title></item></channel></rss>')
    assert entity_declarations(raw) is None
    assert [a.title for a in parse_feed(raw, FEED, None, NOW).articles] == ["Fine"]


def test_wrong_declared_charsets() -> None:
    cp1252 = parse_feed(cp1252_body(), FEED, "application/rss+xml; charset=utf-8", NOW)
    assert [a.title for a in cp1252.articles] == [CP1252_TITLE]
    assert cp1252.bozo  # recorded: the declaration was wrong
    utf8 = parse_feed(utf8_body(), FEED, "text/xml; charset=iso-8859-1", NOW)
    assert [a.title for a in utf8.articles] == ["Kyiv – Київ, Gaza – غزة"]
    no_header = parse_feed(utf8_body(), FEED, None, NOW)  # only the XML declaration lies
    assert [a.title for a in no_header.articles] == ["Kyiv – Київ, Gaza – غزة"]


def test_real_latin1_stays_latin1() -> None:
    raw = rss_feed("Latin", [item(1, title="Überfall in Köln")], encoding="iso-8859-1")
    assert [a.title for a in parse_feed(raw, FEED, None, NOW).articles] == ["Überfall in Köln"]


def test_empty_feed_is_not_an_error() -> None:
    parsed = parse_feed(rss_feed("Empty", []), FEED, "application/rss+xml", NOW)
    assert (parsed.articles, parsed.error, parsed.title) == ([], None, "Empty")
