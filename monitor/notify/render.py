"""Alerts as Slack messages: pure functions from an `AlertView` to fallback text + Block Kit.

Everything that came from a feed is escaped (`&`, `<`, `>` as Slack asks, and a zero-width
joiner after the `@` of `@channel`, `@here`, `@everyone`), so feed text can never ping a
channel, mention a user or inject a link. The only links emitted are built here from stored
article URLs, checked to be http(s), with `|`, `<`, `>` and spaces percent-encoded.

Slack's limits are kept by truncating with an ellipsis: section text 3000 characters, a field
2000, 10 fields per section, header 150, 50 blocks, fallback text 40,000.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

Block = dict[str, Any]

SECTION_MAX, FIELD_MAX, HEADER_MAX, BLOCKS_MAX, TEXT_MAX = 3000, 2000, 150, 50, 40_000
URL_MAX = 1000
MORE_ANSWERS_SHOWN = 5
DIGEST_SHOWN = 25
ZWJ = "\u200d"
_BROADCAST = re.compile(r"@(?=channel|here|everyone)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_TITLES = {"denial": "New denial", "contradiction": "New contradiction"}


@dataclass(frozen=True)
class Statement:
    """One claim as the message shows it: what was said, by whom, where and when."""

    claim_id: str
    text: str
    speaker: str = ""
    speaker_org: str = ""
    speaker_actor: str = ""
    source: str = ""
    url: str = ""
    published: datetime | None = None
    stance: str = ""


@dataclass(frozen=True)
class AlertView:
    """An alert joined with its new claim, the claims it answers and its story."""

    id: str
    kind: str
    story_id: str
    story_title: str
    reason: str
    score: float
    new: Statement
    answers: tuple[Statement, ...] = ()
    thread_of: str | None = None


# -- escaping and limits ---------------------------------------------------------------------
def escape(text: str | None) -> str:
    """Feed text made inert for mrkdwn: entities for & < >, broadcasts broken, one line."""
    flat = " ".join(_CONTROL.sub(" ", text or "").split())
    flat = flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub("@" + ZWJ, flat)


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters with an ellipsis, never inside an `&...;` entity."""
    if len(text) <= limit:
        return text
    cut = text[: max(limit - 1, 0)]
    amp = cut.rfind("&", max(len(cut) - 5, 0))
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + "…"


def safe_url(url: str | None) -> str | None:
    """The URL fit for `<url|label>`, or None when it is not a plain http(s) URL."""
    url = (url or "").strip()
    if not url or _CONTROL.search(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    for char, code in ((" ", "%20"), ("|", "%7C"), ("<", "%3C"), (">", "%3E")):
        url = url.replace(char, code)
    url = url.replace("&", "&amp;")
    return url if len(url) <= URL_MAX else None


def link(url: str | None, label: str) -> str:
    """A Slack link built by the monitor, or "" when the URL is unusable."""
    safe = safe_url(url)
    return f"<{safe}|{escape(label)}>" if safe else ""


def when(moment: datetime | None) -> str:
    if moment is None:
        return "time unknown"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _who(s: Statement) -> str:
    name = clip(escape(s.speaker or s.speaker_actor or "unattributed"), 120)
    org = clip(escape(s.speaker_org), 120)
    return f"*{name}*, {org}" if org and s.speaker_org != s.speaker else f"*{name}*"


def _byline(s: Statement) -> str:
    """Speaker, organisation, outlet, time and link: everything but the quote."""
    parts = [_who(s), clip(escape(s.source or "unknown outlet"), 120), when(s.published)]
    article = link(s.url, "article")
    return " · ".join([*parts, article] if article else parts)


def _quoted(label: str, s: Statement, limit: int) -> str:
    head, tail = f"*{label}*\n", f"\n— {_byline(s)}"
    body = clip(escape(s.text), limit - len(head) - len(tail) - 2)
    return clip(f"{head}“{body}”{tail}", limit)


def _mrkdwn(text: str, limit: int = SECTION_MAX) -> dict[str, str]:
    return {"type": "mrkdwn", "text": clip(text, limit)}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(text)]}


def _header(text: str) -> Block:
    return {"type": "header", "text": {"type": "plain_text", "text": clip(text, HEADER_MAX)}}


# -- one alert -------------------------------------------------------------------------------
def _answer_label(view: AlertView, s: Statement) -> str:
    if view.kind == "contradiction":
        return "Contradicts"
    return f"Answers {s.stance}" if s.stance and s.stance != "other" else "Answers"


def _new_label(view: AlertView) -> str:
    return "New denial" if view.kind == "denial" else "New statement"


def _more_answers(view: AlertView) -> list[Block]:
    rest = view.answers[1:]
    if not rest:
        return []
    lines = [f"• {_byline(s)}\n   “{clip(escape(s.text), 300)}”" for s in rest[:MORE_ANSWERS_SHOWN]]
    if len(rest) > MORE_ANSWERS_SHOWN:
        lines.append(f"… and {len(rest) - MORE_ANSWERS_SHOWN} more")
    return [_section("*Also answers*\n" + "\n".join(lines))]


def _footer(view: AlertView) -> Block:
    story = clip(escape(view.story_id), 100)
    return _context(
        f"{escape(view.kind)} · story `{story}` · alert `{clip(escape(view.id), 100)}`"
        f" · silence it: `monitor mute --story {story}`"
    )


def render_alert(view: AlertView) -> tuple[str, list[Block]]:
    """Fallback text and blocks: the new statement beside the claim it answers."""
    fields = [_mrkdwn(_quoted(_new_label(view), view.new, FIELD_MAX), FIELD_MAX)]
    if view.answers:
        first = view.answers[0]
        fields.append(_mrkdwn(_quoted(_answer_label(view, first), first, FIELD_MAX), FIELD_MAX))
    blocks = [
        _header(_TITLES.get(view.kind, f"New {view.kind}")),
        _section(f"*Story:* {clip(escape(view.story_title or view.story_id), 2800)}"),
        {"type": "section", "fields": fields},
        *_more_answers(view),
        _section(f"*Why:* {clip(escape(view.reason), 2800)} (score {view.score:.2f})"),
        _footer(view),
    ]
    return clip(_fallback(view), TEXT_MAX), blocks


def _fallback(view: AlertView) -> str:
    new = view.new
    text = (f"{_TITLES.get(view.kind, view.kind)}: {escape(new.speaker or 'unattributed')}"
            f" ({escape(new.source)}): “{clip(escape(new.text), 300)}”")
    if view.answers:
        old = view.answers[0]
        text += (f" — answers {escape(old.speaker or 'unattributed')} ({escape(old.source)}):"
                 f" “{clip(escape(old.text), 200)}”")
    return f"{text} — story: {clip(escape(view.story_title), 150)}"


# -- re-reports and digests ------------------------------------------------------------------
def render_rereport(view: AlertView) -> tuple[str, list[Block]]:
    """A short message for the story's thread: the same statement, reported by another outlet."""
    new = view.new
    outlet = clip(escape(new.source or "another outlet"), 120)
    article = link(new.url, "article")
    parts = (f"↻ Re-reported by *{outlet}*", when(new.published), article)
    line = " · ".join(p for p in parts if p)
    quote = f"{_who(new)}: “{clip(escape(new.text), 500)}”"
    text = f"Re-reported by {outlet}: {_who(new)}: “{clip(escape(new.text), 200)}”"
    return text, [_section(f"{line}\n{quote}"), _footer(view)]


def _digest_item(view: AlertView) -> Block:
    new = view.new
    kind = "Re-report" if view.thread_of else _TITLES.get(view.kind, view.kind)
    lines = [f"*{kind}* · _{clip(escape(view.story_title), 150)}_",
             f"{_byline(new)}\n“{clip(escape(new.text), 400)}”"]
    if view.answers:
        old = view.answers[0]
        lines.append(f"↳ {_answer_label(view, old).lower()}: {_byline(old)}\n"
                     f"“{clip(escape(old.text), 250)}”")
    return _section("\n".join(lines))


def render_digest(views: list[AlertView]) -> tuple[str, list[Block]]:
    """One message summarising several alerts; past `DIGEST_SHOWN` only a count is given."""
    shown, rest = views[:DIGEST_SHOWN], views[DIGEST_SHOWN:]
    noun = "alert" if len(views) == 1 else "alerts"
    blocks = [_header(f"{len(views)} new {noun}"), *(_digest_item(v) for v in shown)]
    if rest:
        stories = len({v.story_id for v in rest})
        blocks.append(_context(f"… and {len(rest)} more in {stories} stories (see `alerts`)"))
    summary = "; ".join(
        f"{v.kind}: {escape(v.new.speaker or 'unattributed')} ({escape(v.new.source)})"
        for v in shown
    )
    return clip(f"{len(views)} new {noun}: {summary}", 3000), blocks


def render_line(view: AlertView) -> str:
    """One plain line for the log, with both statements (not mrkdwn, not escaped)."""
    def one(s: Statement) -> str:
        who = s.speaker or s.speaker_actor or "unattributed"
        org = f" ({s.speaker_org})" if s.speaker_org and s.speaker_org != s.speaker else ""
        said = clip(" ".join(s.text.split()), 300)
        return f"{who}{org} via {s.source or '?'} {when(s.published)}: “{said}” {s.url}".strip()

    kind = f"re-report of {view.thread_of}" if view.thread_of else view.kind
    line = f"{kind} alert {view.id} [story {view.story_id}: {view.story_title}] NEW {one(view.new)}"
    if view.answers:
        line += f" || ANSWERS {one(view.answers[0])}"
    line += f" || {view.reason} (score {view.score:.2f})"
    return _CONTROL.sub(" ", line)
