"""The outbox against the loopback Slack server: threads, failures, exactly-once, mutes, digests."""

from __future__ import annotations

import json
import logging
import re
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from monitor import config
from monitor.notify.outbox import LEASE, DeliveryReport, backoff, build_sender, deliver_pending
from monitor.notify.slack import (
    LogSender,
    SlackWebSender,
    WebhookSender,
    make_web_client,
    make_webhook_client,
)
from monitor.records import Alert
from monitor.store import Store, iso
from monitor.store import alerts as outbox_store
from tests.slack_fixtures import FakeSlack

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
EARLIER = NOW - timedelta(minutes=1)
TITLE = "Missile strike on Kherson hospital"
HOSTILE = "<!channel> @here <@U123> <http://evil.example|click> @everyone denied it & more"


# -- rows, written the way the pipeline writes them ----------------------------------------------
def add_story(store: Store, story_id: str = "s_1", title: str = TITLE) -> None:
    with store.transaction() as db:
        db.table("stories").insert({"id": story_id, "title": title, "first_seen": iso(EARLIER)})


def add_claim(store: Store, claim_id: str, story_id: str = "s_1", **over: Any) -> None:
    claim = {
        "id": claim_id, "article_id": f"art_{claim_id}", "story_id": story_id, "idx": 0,
        "text": "The Russian Defence Ministry denied striking the hospital.",
        "stance": "denial", "speaker": "Igor Konashenkov",
        "speaker_org": "Russian Defence Ministry", "speaker_actor": "Russia", "source": "TASS",
        "url": f"https://example.org/{claim_id}", "published": iso(EARLIER),
        "casualties": "[]", "places": '["Kherson"]',
    } | over
    article = {"id": claim["article_id"], "source": claim["source"], "url": claim["url"],
               "title": claim["text"], "published": claim["published"]}
    with store.transaction() as db:
        db.table("articles").insert(article)
        db.table("claims").insert(claim)


def add_allegation(store: Store, claim_id: str = "c_alleg", story_id: str = "s_1") -> None:
    add_claim(store, claim_id, story_id, stance="allegation", source="Reuters",
              text="Ukrainian officials said Russian missiles struck a hospital in Kherson.",
              speaker="Oleksandr Prokudin", speaker_org="Kherson regional administration",
              speaker_actor="Ukraine", published=iso(EARLIER - timedelta(hours=4)))


def add_alert(store: Store, alert_id: str, claim_id: str, answers: Sequence[str] = ("c_alleg",),
              story_id: str = "s_1", thread_of: str | None = None,
              at: datetime = EARLIER) -> None:
    alert = Alert(id=alert_id, kind="denial", claim_id=claim_id, story_id=story_id,
                  answers=tuple(answers), reason="Russia denies an allegation made against it",
                  score=0.87, thread_of=thread_of)
    with store.transaction() as db:
        outbox_store.write_alerts(db, [alert], at)


def one_denial(store: Store, story_id: str = "s_1", n: int = 1, **claim: Any) -> list[str]:
    """A story with an allegation and `n` denials of it, each with its alert."""
    add_story(store, story_id)
    add_allegation(store, f"c_alleg_{story_id}", story_id)
    ids = []
    for i in range(n):
        add_claim(store, f"c_{story_id}_{i}", story_id, **claim)
        add_alert(store, f"a_{story_id}_{i}", f"c_{story_id}_{i}", [f"c_alleg_{story_id}"],
                  story_id, at=EARLIER + timedelta(seconds=i))
        ids.append(f"a_{story_id}_{i}")
    return ids


def alert_row(store: Store, alert_id: str) -> dict[str, Any]:
    return dict(store.db.table("alerts").get(alert_id))


def web(server: FakeSlack) -> SlackWebSender:
    client = make_web_client(server.token, server.base_url, retry_interval=0.0,
                             sleep=lambda s: None)
    return SlackWebSender(client, "#war-claims", pace=1.0, sleep=lambda s: None)


def alert_ids_posted(server: FakeSlack) -> Counter[str]:
    return Counter(i for text in server.texts() for i in re.findall(r"alert `(a_[\w]+)`", text))


# -- threads -------------------------------------------------------------------------------------
def test_first_alert_opens_the_thread_later_ones_and_rereports_answer_in_it(
        store: Store, slack_server: FakeSlack) -> None:
    add_story(store)
    add_allegation(store)
    add_claim(store, "c_d1")
    add_claim(store, "c_d2", speaker="Maria Zakharova", speaker_org="Foreign Ministry",
              source="RIA", text="Zakharova called the hospital report a staged provocation.")
    add_claim(store, "c_d3", source="Al Jazeera")
    add_alert(store, "a_1", "c_d1")
    add_alert(store, "a_2", "c_d2", at=EARLIER + timedelta(seconds=1))
    add_alert(store, "a_3", "c_d3", thread_of="a_1", at=EARLIER + timedelta(seconds=2))
    one_denial(store, "s_2")

    report = deliver_pending(store, web(slack_server), NOW)

    assert report == DeliveryReport(sent=4)
    by_alert = {re.findall(r"alert `(a_\w+)`", t)[0]: m
                for t, m in zip(slack_server.texts(), slack_server.messages, strict=True)}
    first, second, rereport, other = (by_alert[i] for i in ("a_1", "a_2", "a_3", "a_s_2_0"))
    assert first["thread_ts"] is None and other["thread_ts"] is None
    assert second["thread_ts"] == first["ts"] and rereport["thread_ts"] == first["ts"]
    assert "Re-reported by Al Jazeera" in rereport["text"]
    story = store.db.table("stories").get("s_1")
    assert (story["slack_channel"], story["slack_ts"]) == (first["channel"], first["ts"])
    posted = slack_server.texts()[slack_server.messages.index(first)]
    for expected in ("Igor Konashenkov", "Russian Defence Ministry", "TASS", "Oleksandr Prokudin",
                     "Reuters", "struck a hospital", "denied striking", TITLE, "New denial",
                     "Russia denies an allegation", "0.87", "<https://example.org/c_d1|article>",
                     "<https://example.org/c_alleg|article>"):
        assert expected in posted, expected
    for alert_id, message in (("a_1", first), ("a_2", second), ("a_3", rereport)):
        row = alert_row(store, alert_id)
        assert row["status"] == "sent" and row["sent_at"] == iso(NOW)
        assert (row["slack_channel"], row["slack_ts"]) == (message["channel"], message["ts"])
    assert deliver_pending(store, web(slack_server), NOW + timedelta(hours=1)) == DeliveryReport()
    assert len(slack_server.messages) == 4


def test_rereport_waits_for_its_original(store: Store, slack_server: FakeSlack) -> None:
    one_denial(store)
    add_claim(store, "c_again", source="Al Jazeera")
    add_alert(store, "a_again", "c_again", ["c_alleg_s_1"], thread_of="a_s_1_0",
              at=EARLIER + timedelta(seconds=5))
    slack_server.api_error(1, "msg_too_long")  # only the original's message fails

    assert deliver_pending(store, web(slack_server), NOW) == DeliveryReport(failed=1, deferred=1)
    assert slack_server.messages == []
    assert deliver_pending(store, web(slack_server), NOW + timedelta(minutes=5)).sent == 2
    original, again = slack_server.messages
    assert again["thread_ts"] == original["ts"] and "Re-reported" in again["text"]


def test_rereport_of_a_muted_statement_is_shown_in_full(
        store: Store, slack_server: FakeSlack) -> None:
    [original] = one_denial(store)
    add_claim(store, "c_again", source="Al Jazeera", speaker="Konashenkov", speaker_actor="")
    add_alert(store, "a_again", "c_again", ["c_alleg_s_1"], thread_of=original,
              at=EARLIER + timedelta(seconds=5))
    outbox_store.mute(store, "speaker", "Igor Konashenkov", NOW)
    assert deliver_pending(store, web(slack_server), NOW) == DeliveryReport(sent=1, muted=1)
    [message] = slack_server.messages
    assert message["thread_ts"] is None and message["blocks"][0]["text"]["text"] == "New denial"
    assert "Al Jazeera" in slack_server.texts()[0]


# -- failures ------------------------------------------------------------------------------------
def test_429_is_retried_by_the_client_and_arrives_once(
        store: Store, slack_server: FakeSlack) -> None:
    [alert_id] = one_denial(store)
    slack_server.rate_limit(1, retry_after=1)
    assert deliver_pending(store, web(slack_server), NOW) == DeliveryReport(sent=1)
    assert slack_server.calls == 2 and alert_ids_posted(slack_server) == {alert_id: 1}
    assert alert_row(store, alert_id)["status"] == "sent"


def test_500_leaves_the_alert_pending_and_a_later_pass_delivers_it(
        store: Store, slack_server: FakeSlack) -> None:
    [alert_id] = one_denial(store)
    slack_server.server_error(1)
    assert deliver_pending(store, web(slack_server), NOW) == DeliveryReport(failed=1)
    row = alert_row(store, alert_id)
    assert row["status"] == "pending" and row["attempts"] == 1 and "500" in row["last_error"]
    assert row["next_attempt"] == iso(NOW + backoff(0))
    early = NOW + timedelta(seconds=10)
    assert deliver_pending(store, web(slack_server), early) == DeliveryReport()
    assert slack_server.calls == 1
    assert deliver_pending(store, web(slack_server), NOW + timedelta(minutes=1)).sent == 1
    assert alert_ids_posted(slack_server) == {alert_id: 1}
    assert alert_row(store, alert_id)["last_error"] is None


def test_outage_then_every_alert_arrives_exactly_once(
        store: Store, slack_server: FakeSlack) -> None:
    ids = one_denial(store, "s_1", n=3) + one_denial(store, "s_2", n=3)
    sender = web(slack_server)
    assert deliver_pending(store, sender, NOW, limit=2).sent == 2
    slack_server.stop()
    assert deliver_pending(store, sender, NOW) == DeliveryReport(failed=1)
    held = {r["next_attempt"] for r in store.db.query(
        "select next_attempt from alerts where status = 'pending'")}
    assert held == {iso(NOW + backoff(0))}
    assert deliver_pending(store, sender, NOW + timedelta(seconds=5)) == DeliveryReport()
    slack_server.restart()
    assert deliver_pending(store, sender, NOW + timedelta(hours=1)).sent == 4
    assert deliver_pending(store, sender, NOW + timedelta(hours=2)) == DeliveryReport()
    assert alert_ids_posted(slack_server) == dict.fromkeys(ids, 1)
    top = [m for m in slack_server.messages if m["thread_ts"] is None]
    assert len(top) == 2  # one thread per story, even across the outage


def test_a_channel_error_stops_the_pass_for_that_channel(
        store: Store, slack_server: FakeSlack) -> None:
    one_denial(store, n=2)
    slack_server.api_error(1, "channel_not_found")
    assert deliver_pending(store, web(slack_server), NOW) == DeliveryReport(failed=1, deferred=1)
    assert slack_server.calls == 1


def test_a_leased_alert_is_not_posted_by_a_second_pass(
        store: Store, slack_server: FakeSlack) -> None:
    [alert_id] = one_denial(store)
    assert outbox_store.claim(store, alert_id, None, NOW + LEASE)  # another process took it
    assert not outbox_store.claim(store, alert_id, None, NOW + LEASE)
    assert deliver_pending(store, web(slack_server), NOW) == DeliveryReport()
    assert slack_server.messages == []


def test_backoff_doubles_to_a_cap_and_respects_retry_after() -> None:
    assert backoff(0) == timedelta(seconds=30) and backoff(1) == timedelta(seconds=60)
    assert backoff(50) == timedelta(hours=1)
    assert backoff(0, retry_after=120) == timedelta(seconds=120)


# -- content -------------------------------------------------------------------------------------
def test_feed_text_is_neutralised_in_what_is_posted(
        store: Store, slack_server: FakeSlack) -> None:
    one_denial(store, text=HOSTILE, speaker=HOSTILE, source=HOSTILE,
               url="javascript:alert(1)")
    deliver_pending(store, web(slack_server), NOW)
    [posted] = slack_server.texts()
    links = re.findall(r"<([^>]*)>", posted)
    assert links == ["https://example.org/c_alleg_s_1|article"]
    for bad in ("<!channel>", "<@U123>", "<http://evil", "@here", "@everyone", "javascript"):
        assert bad not in posted
    assert "&lt;!channel&gt;" in posted


def test_a_10000_character_claim_is_posted_within_slack_limits(
        store: Store, slack_server: FakeSlack) -> None:
    [alert_id] = one_denial(store, text="denied " * 1500)
    assert deliver_pending(store, web(slack_server), NOW) == DeliveryReport(sent=1)
    blocks = slack_server.messages[0]["blocks"]
    assert all(len(f["text"]) <= 2000 for b in blocks for f in b.get("fields", []))
    assert alert_row(store, alert_id)["status"] == "sent"


# -- no Slack, mutes, digests, webhooks ----------------------------------------------------------
def test_log_sender_marks_alerts_logged(store: Store, caplog: pytest.LogCaptureFixture) -> None:
    [alert_id] = one_denial(store)
    with caplog.at_level(logging.INFO, logger="monitor.notify.slack"):
        assert deliver_pending(store, LogSender(), NOW) == DeliveryReport(logged=1)
    [line] = [r.getMessage() for r in caplog.records if r.name == "monitor.notify.slack"]
    assert "Igor Konashenkov" in line and "Oleksandr Prokudin" in line and "\n" not in line
    assert alert_row(store, alert_id)["status"] == "logged"
    assert store.db.table("stories").get("s_1")["slack_ts"] is None


def test_a_mute_added_after_the_alert_still_silences_it(
        store: Store, slack_server: FakeSlack) -> None:
    [by_speaker] = one_denial(store, "s_1")
    [by_story] = one_denial(store, "s_2", speaker="Someone Else", speaker_actor="Elsewhere")
    [kept] = one_denial(store, "s_3", speaker="Third", speaker_actor="Nobody")
    outbox_store.mute(store, "speaker", "Russia", NOW)
    outbox_store.mute(store, "story", "s_2", NOW)
    assert deliver_pending(store, web(slack_server), NOW) == DeliveryReport(sent=1, muted=2)
    assert alert_row(store, by_speaker)["status"] == "muted"
    assert alert_row(store, by_story)["status"] == "muted"
    assert alert_ids_posted(slack_server) == {kept: 1}


def test_digest_mode_posts_one_message_per_interval(
        store: Store, slack_server: FakeSlack) -> None:
    ids = one_denial(store, "s_1", n=2) + one_denial(store, "s_2")
    sender = web(slack_server)
    assert deliver_pending(store, sender, NOW, digest_interval=600) == DeliveryReport(deferred=3)
    report = deliver_pending(store, sender, EARLIER + timedelta(minutes=10), digest_interval=600)
    assert report == DeliveryReport(sent=3, digests=1)
    [message] = slack_server.messages
    assert message["thread_ts"] is None and message["blocks"][0]["text"]["text"] == "3 new alerts"
    rows = [alert_row(store, i) for i in ids]
    assert {(r["status"], r["slack_ts"]) for r in rows} == {("digest", message["ts"])}
    assert store.db.table("stories").get("s_1")["slack_ts"] is None


def test_webhook_429_keeps_the_alert_pending(store: Store, slack_server: FakeSlack) -> None:
    [alert_id] = one_denial(store)
    client = make_webhook_client(slack_server.webhook_url, retry_interval=0.0)
    sender = WebhookSender(slack_server.webhook_url, pace=0, client=client)
    slack_server.webhook_rate_limit(1, retry_after=300)
    assert deliver_pending(store, sender, NOW) == DeliveryReport(failed=1)
    row = alert_row(store, alert_id)
    assert row["status"] == "pending" and row["attempts"] == 1 and "429" in row["last_error"]
    assert row["next_attempt"] == iso(NOW + timedelta(seconds=300))
    assert deliver_pending(store, sender, NOW + timedelta(minutes=5)) == DeliveryReport(sent=1)
    assert "Konashenkov" in json.dumps(slack_server.webhook_messages)


# -- wiring --------------------------------------------------------------------------------------
@pytest.mark.parametrize("secret", ["token", "webhook", "none"])
def test_build_sender_follows_the_configuration(
        store: Store, slack_server: FakeSlack, secret: str) -> None:
    env = {"token": {"SLACK_BOT_TOKEN": slack_server.token},
           "webhook": {"SLACK_WEBHOOK_URL": slack_server.webhook_url}, "none": {}}[secret]
    settings = config.from_dict({"slack": {"base_url": slack_server.base_url, "pace": 0.0}},
                                env=env)
    [alert_id] = one_denial(store)
    report = build_sender(settings, store)(NOW)
    assert report == (DeliveryReport(logged=1) if secret == "none" else DeliveryReport(sent=1))
    assert len(slack_server.messages) == (secret == "token")
    assert len(slack_server.webhook_messages) == (secret == "webhook")
    assert alert_row(store, alert_id)["status"] == ("logged" if secret == "none" else "sent")
