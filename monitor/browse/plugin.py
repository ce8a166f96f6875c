"""The Datasette plugin of `monitor browse`: how cells of the monitor's tables read.

- links: `url` columns show the outlet's domain and open the article; on canned-query pages
  `story_id` (and the story title beside it) opens the story's timeline, claim, alert and
  article ids open their rows;
- labels: stance, alert kind, status and topic become coloured badges; an embedding shows as
  its size, not as a blob download;
- safety: the database is opened query-only, and every value from a feed is escaped (only
  http(s) URLs ever become links);
- templates get `stance_chart`, `per_day`, `timeline_url` and the `http_url` and `when` filters.

Registered by `monitor.browse.make_app`; it acts only on the `monitor` database.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast
from urllib.parse import quote, urlsplit

from datasette import hookimpl as datasette_hookimpl
from datasette.utils import tilde_encode
from markupsafe import Markup

from monitor.browse.chart import per_day, stance_chart

F = TypeVar("F", bound=Callable[..., Any])
hookimpl = cast(Callable[[F], F], datasette_hookimpl)  # pluggy's marker, typed
DATABASE = "monitor"
BADGES = {
    "stance": {"allegation", "denial", "admission", "other"},
    "kind": {"denial", "contradiction"},
    "status": {"pending", "sent", "logged", "muted", "digest"},
    "topic": {"war_crime_allegation", "armed_conflict", "other"},
    "label": {"war_crime_allegation", "armed_conflict", "other"},
    "alert": {"denial", "contradiction"},
    "state": {"failing", "stale", "gone"},
}
ROW_LINKS = {  # query-page column -> table its value is the id of
    "claim_id": "claims",
    "answers_claim_id": "claims",
    "alert_id": "alerts",
    "article_id": "articles",
    "feed_id": "feeds",
}


def http_url(value: Any) -> str:
    """The value if it is an http(s) URL, else "" (never a javascript: or data: link)."""
    if not isinstance(value, str):
        return ""
    text = value.strip()
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc or " " in text:
        return ""
    return text


def outlink(url: str, text: str | None = None) -> Markup:
    """An escaped link that opens the article; the text defaults to its domain."""
    host = urlsplit(url).hostname or url
    label = text or (host[4:] if host.startswith("www.") else host)
    return Markup(
        '<a class="outlink" href="{}" title="{}" rel="noopener noreferrer nofollow">{} ↗</a>'
    ).format(url, url, label)


def when(value: Any) -> str:
    """An ISO time such as 2024-06-10T08:00:00Z as "2024-06-10 08:00 UTC"; else unchanged."""
    text = "" if value is None else str(value)
    if len(text) == 20 and text[10] == "T" and text.endswith("Z"):
        return f"{text[:10]} {text[11:16]} UTC"
    return text


def badge(value: str) -> Markup:
    return Markup('<span class="badge badge-{}">{}</span>').format(value, value)


def timeline_path(datasette: Any, story_id: str) -> str:
    return str(datasette.urls.query(DATABASE, "story_timeline")) + "?story=" + quote(story_id)


def row_path(datasette: Any, table: str, pk: str) -> str:
    return str(datasette.urls.row(DATABASE, table, tilde_encode(pk)))


@hookimpl
def prepare_connection(conn: Any, database: str) -> None:
    if database == DATABASE:
        conn.execute("PRAGMA query_only = 1")  # no write can ever reach the monitor's file


@hookimpl
def prepare_jinja2_environment(env: Any, datasette: Any) -> None:
    env.filters["http_url"] = http_url
    env.filters["when"] = when
    env.globals["stance_chart"] = stance_chart
    env.globals["per_day"] = per_day
    env.globals["timeline_url"] = lambda story_id: timeline_path(datasette, str(story_id))


@hookimpl
def render_cell(row: Any, value: Any, column: str, table: str | None, database: str,
                datasette: Any) -> Markup | None:
    if database != DATABASE:
        return None
    if isinstance(value, bytes) and column == "embedding":
        return Markup('<span class="vector">vector of {} numbers</span>').format(len(value) // 4)
    if not isinstance(value, str) or not value:
        return None
    if value in BADGES.get(column, ()):
        return badge(value)
    if column == "url" or column.endswith("_url"):
        url = http_url(value)
        return outlink(url) if url else None
    if table is None:
        return _query_cell(row, value, column, datasette)
    if table == "stories" and column == "title":
        return Markup('<a href="{}">{}</a>').format(timeline_path(datasette, row["id"]), value)
    return None


def _query_cell(row: Any, value: str, column: str, datasette: Any) -> Markup | None:
    """Cells of canned queries: ids open their rows, stories open their timelines."""
    if column == "story_id":
        return Markup('<a href="{}">{}</a>').format(timeline_path(datasette, value), value)
    if column == "story" and "story_id" in row.keys() and row["story_id"]:
        path = timeline_path(datasette, row["story_id"])
        return Markup('<a href="{}">{}</a>').format(path, value)
    if column in ROW_LINKS:
        path = row_path(datasette, ROW_LINKS[column], value)
        return Markup('<a href="{}">{}</a>').format(path, value)
    return None
