"""Feed bytes to `Article`s: feedparser on the bytes, then one normalised record per item.

`parse_feed` never raises. A malformed feed keeps whatever items feedparser recovered and
says what was wrong in `ParsedFeed.error`. Two defences sit in front of feedparser:

- entity declarations: a DOCTYPE that declares general entities, or internal parameter
  entities, is refused before parsing (expat has its own amplification limit, but feedparser
  falls back to a second, looser parser, and older expat builds have no limit at all);
- charsets: a body that is valid UTF-8 but declared as a single-byte charset (a common server
  mistake) is read as UTF-8; the reverse (declared UTF-8, really windows-1252) is handled by
  feedparser's own fallback and flagged as bozo.

The body is always handed to feedparser as a stream, never as a string: feedparser treats a
string that looks like a URL or a path as something to open.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import feedparser

from monitor.records import Article, Feed
from monitor.text import canonical_url, plain_text, short_id

log = logging.getLogger(__name__)

EARLIEST = datetime(1990, 1, 1, tzinfo=UTC)
FUTURE_SLACK = timedelta(days=1)
MAX_SUMMARY = 20_000
_FIRST_ELEMENT = re.compile(rb"<[A-Za-z_]")
_ENTITY = re.compile(rb"<!ENTITY\s+(%\s+)?[^\s>]+\s+(\S+)")
_XML_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
_SINGLE_BYTE = re.compile(r"^(us-?ascii|ascii|latin-?\d|l\d|iso[-_]?8859[-_]\d+|"
                          r"(windows|cp)[-_]?125\d)$")


@dataclass(frozen=True)
class ParsedFeed:
    """The items of one feed document, and what was wrong with it, if anything."""

    articles: list[Article]
    error: str | None
    bozo: bool
    title: str | None = None


def parse_feed(raw: bytes, feed: Feed, content_type: str | None, now: datetime) -> ParsedFeed:
    """Parse `raw` (the body of `feed.url`) into articles; never raises."""
    if not raw.strip():
        return ParsedFeed([], "empty body", True)
    refused = entity_declarations(raw)
    if refused:
        return ParsedFeed([], refused, True)
    try:
        headers, note = _headers(raw, feed, content_type)
        # Everything is reduced to plain text afterwards (plain_text drops tags, scripts and
        # styles), so feedparser's HTML sanitizer and URI rewriting would be wasted work.
        parsed = feedparser.parse(io.BytesIO(raw), response_headers=headers,
                                  sanitize_html=False, resolve_relative_uris=False)
    except Exception as exc:  # noqa: BLE001 - feedparser on hostile input: report, never raise
        log.warning("feedparser failed on %s: %r", feed.url, exc)
        return ParsedFeed([], f"parser failed: {type(exc).__name__}: {exc}", True)
    result = _articles(parsed, feed, now)
    if note and result.error is None:
        return ParsedFeed(result.articles, note, result.bozo, result.title)
    return result


def entity_declarations(raw: bytes) -> str | None:
    """Why the document's DTD is refused, or None: only external parameter entities pass."""
    head = _prolog(raw)
    for match in _ENTITY.finditer(head):
        is_parameter, value = match.group(1), match.group(2)
        if not is_parameter or value not in (b"PUBLIC", b"SYSTEM"):
            return "refused: the document declares XML entities (possible entity-expansion bomb)"
    return None


def _prolog(raw: bytes) -> bytes:
    """The bytes before the first element, as ASCII-compatible bytes."""
    if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) or b"\x00" in raw[:4]:
        raw = _to_utf8(raw)
    found = _FIRST_ELEMENT.search(raw)
    return raw[: found.start()] if found else raw


def _to_utf8(raw: bytes) -> bytes:
    for codec in ("utf-32", "utf-16", "utf-16-le", "utf-16-be"):
        try:
            return raw.decode(codec).encode("utf-8")
        except UnicodeError:
            continue
    return raw.replace(b"\x00", b"")


def _headers(raw: bytes, feed: Feed, content_type: str | None) -> tuple[dict[str, str], str | None]:
    """Headers for feedparser (the feed URL for relative links, a trusted charset) and a note
    when the declared charset was overruled."""
    ctype = content_type or "application/xml"
    note = None
    declared = _declared_single_byte(raw, ctype)
    if declared and _is_utf8(raw):
        media = ctype.split(";", 1)[0].strip() or "application/xml"
        ctype = f"{media}; charset=utf-8"
        note = f"charset: declared {declared}, read as utf-8"
    return {"content-location": feed.url, "content-type": ctype}, note


def _declared_single_byte(raw: bytes, ctype: str) -> str | None:
    """The declared (or assumed) charset when it is a single-byte one."""
    charset = ""
    for param in ctype.split(";")[1:]:
        key, _, value = param.partition("=")
        if key.strip().lower() == "charset":
            charset = value.strip().strip("\"'").lower()
    if not charset:
        found = _XML_ENCODING.match(raw.lstrip()[:200])
        charset = found.group(1).decode("ascii").lower() if found else ""
    if not charset and ctype.lower().startswith("text/"):
        charset = "us-ascii"  # what RFC 3023 (and feedparser) assume for text/* without charset
    return charset if _SINGLE_BYTE.match(charset) else None


def _is_utf8(raw: bytes) -> bool:
    """True when `raw` has non-ASCII bytes and all of them form valid UTF-8."""
    if raw.isascii():
        return False
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _articles(parsed: Any, feed: Feed, now: datetime) -> ParsedFeed:
    title = plain_text(parsed.feed.get("title")) or None
    source = title or feed.name
    language = _language(parsed.feed.get("language"))
    articles: list[Article] = []
    for entry in parsed.entries:
        try:
            article = to_article(entry, feed, source, language, now)
        except Exception as exc:  # noqa: BLE001 - one odd item must not lose the others
            log.warning("skipped an item of %s: %r", feed.url, exc)
            continue
        if article is not None:
            articles.append(article)
    bozo = bool(parsed.get("bozo"))
    error = _bozo_message(parsed) if bozo else None
    if not articles and not bozo and not parsed.feed and not parsed.get("version"):
        error = "not a feed"
    return ParsedFeed(articles, error, bozo, title)


def _bozo_message(parsed: Any) -> str:
    exc = parsed.get("bozo_exception")
    text = str(exc).strip() if exc is not None else ""
    name = type(exc).__name__ if exc is not None else "bozo"
    return f"{name}: {text}"[:500] if text else name


def to_article(entry: Any, feed: Feed, source: str, feed_language: str | None,
               now: datetime) -> Article | None:
    """One feedparser entry as an Article; None when it has neither title nor link."""
    title = plain_text(entry.get("title"))
    url = _link(entry.get("link"), feed.url)
    if not title and not url:
        return None
    guid = str(entry.get("id") or "").strip() or None
    if guid:
        article_id = short_id("a", *_guid_scope(guid, feed))
    elif url:
        article_id = short_id("a", url)
    else:
        article_id = short_id("a", feed.id, title)
    return Article(
        id=article_id, feed_id=feed.id, source=source, url=url, title=title,
        summary=_summary(entry), published=published_at(entry, now),
        language=_entry_language(entry) or feed_language, guid=guid,
    )


def _guid_scope(guid: str, feed: Feed) -> tuple[str, ...]:
    """A GUID that is a URL, tag: or urn:uuid: is unique worldwide; others only in their feed."""
    if "://" in guid or guid.startswith(("tag:", "urn:uuid:")):
        return (guid,)
    return (feed.id, guid)


def _link(link: Any, base: str) -> str:
    if not isinstance(link, str) or not link.strip():
        return ""
    absolute = urljoin(base, link.strip())
    try:
        scheme = urlsplit(absolute).scheme
    except ValueError:
        return ""
    return canonical_url(absolute) if scheme in ("http", "https") else ""


def _summary(entry: Any) -> str:
    text = entry.get("summary")
    if not text:
        content = entry.get("content") or []
        text = content[0].get("value") if content else ""
    return plain_text(text)[:MAX_SUMMARY]


def published_at(entry: Any, now: datetime) -> datetime | None:
    """The item's time in UTC; None when missing, before 1990 or more than a day ahead."""
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        parts = entry.get(key)
        if not parts:
            continue
        try:
            year, month, day, hour, minute, second = (int(p) for p in parts[:6])
            moment = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
        except (TypeError, ValueError, OverflowError):
            continue
        if EARLIEST <= moment <= now + FUTURE_SLACK:
            return moment
        return None
    return None


def _entry_language(entry: Any) -> str | None:
    for key in ("language", "title_detail", "summary_detail"):
        value = entry.get(key)
        found = value.get("language") if isinstance(value, dict) else value
        if found:
            return _language(found)
    return None


def _language(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    tag = value.strip().replace("_", "-").lower()
    return tag[:35] if tag and re.fullmatch(r"[a-z]{1,8}(-[a-z0-9]{1,8})*", tag) else None
