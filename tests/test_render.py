"""render: both statements side by side, feed text made inert, Slack's limits kept."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, datetime

from monitor.notify.render import (
    AlertView,
    Statement,
    clip,
    escape,
    render_alert,
    render_digest,
    render_line,
    render_rereport,
    safe_url,
)
from tests.slack_fixtures import block_problems

ALLEGATION = Statement(
    claim_id="c_old",
    text="Ukrainian officials said Russian missiles struck a hospital in Kherson.",
    speaker="Oleksandr Prokudin", speaker_org="Kherson regional administration",
    speaker_actor="Ukraine", source="Reuters", url="https://example.org/reuters/1",
    published=datetime(2024, 5, 1, 8, 30, tzinfo=UTC), stance="allegation",
)
DENIAL = Statement(
    claim_id="c_new", text="The Russian Defence Ministry denied striking the hospital.",
    speaker="Igor Konashenkov", speaker_org="Russian Defence Ministry", speaker_actor="Russia",
    source="TASS", url="https://example.org/tass/2?a=1&b=2",
    published=datetime(2024, 5, 1, 12, 5, tzinfo=UTC), stance="denial",
)
VIEW = AlertView(
    id="a_1", kind="denial", story_id="s_1", story_title="Missile strike on Kherson hospital",
    reason="Russia denies an allegation made against it", score=0.87, new=DENIAL,
    answers=(ALLEGATION,),
)
HOSTILE = ("<!channel> <!here> @channel @here @everyone <@U123> <http://evil.example|click> "
           "<#C999> <!subteam^S1> Tom & Jerry")


def everything(text: str, blocks: list[dict[str, object]]) -> str:
    return text + "\n" + json.dumps(blocks, ensure_ascii=False)


def assert_inert(output: str, allowed_links: set[str]) -> None:
    for token in re.findall(r"<([^>]*)>", output):
        assert token.split("|")[0] in allowed_links, f"unexpected Slack token <{token}>"
    for broadcast in ("@channel", "@here", "@everyone"):
        assert broadcast not in output.lower()
    assert "<!" not in output and "<@" not in output and "<#" not in output


def test_alert_shows_both_statements_story_kind_and_reason() -> None:
    text, blocks = render_alert(VIEW)
    out = everything(text, blocks)
    for expected in ("Igor Konashenkov", "Russian Defence Ministry", "TASS", "denied striking",
                     "Oleksandr Prokudin", "Reuters", "struck a hospital", "2024-05-01 12:05 UTC",
                     "2024-05-01 08:30 UTC", "Missile strike on Kherson hospital",
                     "Russia denies an allegation", "0.87", "New denial", "Answers allegation"):
        assert expected in out, expected
    assert "<https://example.org/reuters/1|article>" in out
    assert "<https://example.org/tass/2?a=1&amp;b=2|article>" in out
    fields = next(b["fields"] for b in blocks if "fields" in b)
    assert len(fields) == 2 and "Konashenkov" in fields[0]["text"]
    assert "Prokudin" in fields[1]["text"]
    assert "Konashenkov" in text and "Prokudin" in text
    assert block_problems(text, blocks) == []


def test_contradiction_labels_and_unattributed_speaker() -> None:
    view = replace(VIEW, kind="contradiction", new=replace(DENIAL, speaker="", speaker_actor=""))
    text, blocks = render_alert(view)
    out = everything(text, blocks)
    assert "New contradiction" in out and "Contradicts" in out and "unattributed" in out


def test_feed_text_cannot_ping_mention_or_link() -> None:
    evil = replace(DENIAL, text=HOSTILE, speaker=HOSTILE, speaker_org=HOSTILE, source=HOSTILE)
    view = replace(VIEW, new=evil, story_title=HOSTILE, reason=HOSTILE,
                   answers=(replace(ALLEGATION, text=HOSTILE),))
    for text, blocks in (render_alert(view), render_rereport(view), render_digest([view])):
        out = everything(text, blocks)
        assert_inert(out, {"https://example.org/tass/2?a=1&amp;b=2",
                           "https://example.org/reuters/1"})
        assert "&lt;!channel&gt;" in out and "Tom &amp; Jerry" in out
        assert "@\u200dchannel" in out and "@\u200deveryone" in out


def test_only_http_links_and_their_delimiters_encoded() -> None:
    assert safe_url("javascript:alert(1)") is None
    assert safe_url("ftp://example.org/x") is None
    assert safe_url("http://exa\nmple.org/") is None
    assert safe_url("https://example.org/a|b>c<d e") == "https://example.org/a%7Cb%3Ec%3Cd%20e"
    view = replace(VIEW, new=replace(DENIAL, url="javascript:alert('<!channel>')"))
    text, blocks = render_alert(view)
    assert "javascript" not in everything(text, blocks)
    tricky = replace(VIEW, new=replace(DENIAL, url="https://x.example/<!channel>|click"))
    out = everything(*render_alert(tricky))
    assert "<https://x.example/%3C!channel%3E%7Cclick|article>" in out
    assert_inert(out, {"https://x.example/%3C!channel%3E%7Cclick", "https://example.org/reuters/1"})


def test_limits_hold_for_a_10000_character_claim() -> None:
    huge = "word & <b> " * 1000
    answers = tuple(replace(ALLEGATION, claim_id=f"c{i}", text=huge) for i in range(30))
    view = replace(VIEW, new=replace(DENIAL, text=huge, speaker="S" * 5000, source="O" * 5000),
                   story_title="T" * 10_000, reason="R" * 10_000, answers=answers)
    text, blocks = render_alert(view)
    assert block_problems(text, blocks) == []
    assert len(text) <= 40_000 and len(blocks) <= 50
    assert "…" in everything(text, blocks)
    assert "… and 24 more" in everything(text, blocks)
    for rendered in (render_rereport(view), render_digest([view] * 100)):
        assert block_problems(*rendered) == []


def test_clip_never_splits_an_entity() -> None:
    clipped = clip(escape("&" * 100), 23)
    assert len(clipped) <= 23 and clipped.endswith("…")
    assert re.fullmatch(r"(&amp;)+…", clipped)
    assert clip("short", 10) == "short"


def test_rereport_is_a_short_thread_message() -> None:
    view = replace(VIEW, thread_of="a_0", new=replace(DENIAL, source="Al Jazeera"))
    text, blocks = render_rereport(view)
    out = everything(text, blocks)
    assert "Re-reported by Al Jazeera" in text
    assert "<https://example.org/tass/2?a=1&amp;b=2|article>" in out
    assert len(blocks) <= 2 and "Prokudin" not in out


def test_digest_lists_every_alert_then_counts() -> None:
    views = [replace(VIEW, id=f"a_{i}", new=replace(DENIAL, speaker=f"Speaker {i}"))
             for i in range(30)]
    text, blocks = render_digest(views)
    out = everything(text, blocks)
    assert blocks[0]["text"]["text"] == "30 new alerts"
    assert "Speaker 0" in out and "Speaker 24" in out and "Speaker 25" not in out
    assert "… and 5 more" in out


def test_log_line_is_one_line_with_both_statements() -> None:
    line = render_line(replace(VIEW, new=replace(DENIAL, text="denied\nstriking\r\nit")))
    assert "\n" not in line and "\r" not in line
    assert "Igor Konashenkov" in line and "Oleksandr Prokudin" in line
    assert "TASS" in line and "Reuters" in line and "https://example.org/reuters/1" in line
