"""The whole monitor against real servers: feeds on 127.0.0.1, Slack's API on 127.0.0.1.

The daemon (`monitor.service.build_daemon`, the real models) polls a feed server
(`tests.feedserver.FeedServer`) and posts through slack-sdk to the `slack_server` fixture
(`tests.slack_fixtures`), reached by `[slack] base_url`. The story is told in passes of
`Daemon.run_once`: allegations first, then the accused's denial (one alert, both statements
shown), then the same denial re-reported by another outlet (a reply in that alert's thread),
and a company's denial of unrelated accusations (nothing at all).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from monitor import config as config_mod
from monitor.daemon import Daemon
from tests.feedserver import FeedServer, rss_feed
from tests.slack_fixtures import TOKEN, FakeSlack

pytestmark = pytest.mark.model

START = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=12)

# Items written for this test; places and parties are real, the events and figures invented.
ALLEGATIONS = [
    ("Missile strike on Odesa apartment block kills 14 civilians, officials say",
     "A Russian missile struck a nine-storey apartment block in Odesa's Peresyp district "
     "before dawn, killing 14 civilians including three children, the regional governor "
     "said. Ukraine's prosecutor general accused Russian forces of deliberately targeting a "
     "residential area."),
    ("Human Rights Watch says Odesa strike on homes may be a war crime",
     "Human Rights Watch said the Russian strike on the Peresyp apartment block hit a purely "
     "residential area with no military target nearby and may amount to a war crime."),
]
DENIAL = ("Russian Defence Ministry denies hitting Odesa apartment block",
          "Russia's Defence Ministry denied that its forces struck the apartment block in "
          "Odesa's Peresyp district, calling the reports of civilian deaths fabricated. The "
          "ministry said its missiles hit only a military depot in the port.")
REREPORT = ("Moscow calls Peresyp strike claims a fabrication",
            "The Russian Defence Ministry rejected accusations that it hit a residential "
            "building in Odesa, saying the claims about the Peresyp district were a "
            "fabrication and that only a military depot was struck.")
CORPORATE = ("Carmaker Velotra denies cheating on emissions tests",
             "The carmaker Velotra denied accusations by a consumer group that it had "
             "manipulated emissions tests on its diesel vans, calling the allegations "
             "baseless and promising to cooperate with regulators.")

FEEDS = {"/kyiv.xml": "Kyiv Wire", "/moscow.xml": "Moscow Daily",
         "/eurasia.xml": "Eurasia Report", "/business.xml": "Business Ledger"}


def feed(name: str, entries: Sequence[tuple[str, str]], first: int = 0) -> bytes:
    """An RSS document of `entries` (title, description), an hour apart from `first`."""
    slug = name.lower().replace(" ", "-")
    items = [{"title": title, "description": text, "guid": f"urn:{slug}:{first + n}",
              "link": f"https://{slug}.example/story/{first + n}",
              "published": START + timedelta(hours=first + n)}
             for n, (title, text) in enumerate(entries)]
    return rss_feed(name, items)


def write_config(tmp: Path, feeds: FeedServer, slack: FakeSlack) -> Path:
    lines = [f'[storage]\npath = "{tmp / "monitor.db"}"',
             "[polling]\njitter = 0\nconnect_timeout = 2.0\nread_timeout = 10.0",
             f'[slack]\nchannel = "#war-claims"\nbase_url = "{slack.base_url}"\npace = 0']
    lines += [f'[[feeds]]\nname = "{name}"\nurl = "{feeds.url(path)}"'
              for path, name in FEEDS.items()]
    path = tmp / "monitor.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with FeedServer() as server:
        for path, name in FEEDS.items():
            server.add(path, feed(name, []))
        yield server


@pytest.fixture
def daemon(tmp_path: Path, feeds: FeedServer, slack_server: FakeSlack) -> Iterator[Daemon]:
    from monitor.service import build_daemon

    config = config_mod.load(write_config(tmp_path, feeds, slack_server),
                             env={"SLACK_BOT_TOKEN": TOKEN})
    built = build_daemon(config)
    yield built
    built.client.close()
    built.store.close()


def posted(slack: FakeSlack) -> list[dict[str, Any]]:
    return list(slack.messages)


def blocks_text(message: dict[str, Any]) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def test_a_denial_is_posted_once_beside_the_allegation_and_its_re_report_is_threaded(
        daemon: Daemon, feeds: FeedServer, slack_server: FakeSlack) -> None:
    feeds.set_body("/kyiv.xml", feed("Kyiv Wire", ALLEGATIONS))
    daemon.run_once()
    assert posted(slack_server) == [], "allegations alone raise no alert"

    feeds.set_body("/moscow.xml", feed("Moscow Daily", [DENIAL], first=3))
    daemon.run_once()
    [alert] = posted(slack_server)
    shown = blocks_text(alert)
    assert alert["thread_ts"] is None
    assert "New denial" in shown and "denied that its forces struck" in shown
    assert any(text.split(",")[0][:40] in shown for _, text in ALLEGATIONS), shown

    feeds.set_body("/eurasia.xml", feed("Eurasia Report", [REREPORT], first=5))
    daemon.run_once()
    first, again = posted(slack_server)
    assert first == alert
    assert again["thread_ts"] == alert["ts"], "the re-report is a reply in the alert's thread"
    assert "Eurasia Report" in blocks_text(again)
    with daemon.store.reading() as db:
        rows = db.execute("select kind, thread_of from alerts order by created_at").fetchall()
    assert [r[0] for r in rows] == ["denial", "denial"]
    assert rows[0][1] is None and rows[1][1] is not None

    daemon.run_once()  # nothing new on any feed: nothing posted again
    assert len(posted(slack_server)) == 2


def test_a_company_denying_accusations_raises_nothing(
        daemon: Daemon, feeds: FeedServer, slack_server: FakeSlack) -> None:
    feeds.set_body("/business.xml", feed("Business Ledger", [CORPORATE]))
    daemon.run_once()
    assert posted(slack_server) == []
    with daemon.store.reading() as db:
        assert db["articles"].count == 1
        assert db["alerts"].count == 0
