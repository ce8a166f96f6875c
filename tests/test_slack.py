"""The senders against the loopback Slack server: posting, threads, 429s, outages, webhooks."""

from __future__ import annotations

import logging

import pytest

from monitor.errors import DeliveryError
from monitor.notify.slack import (
    CHANNEL,
    LOGGED,
    MESSAGE,
    SERVICE,
    LogSender,
    Message,
    SlackWebSender,
    WebhookSender,
    make_web_client,
    make_webhook_client,
)
from tests.slack_fixtures import FakeSlack

BLOCKS = [{"type": "section", "text": {"type": "mrkdwn", "text": "*hello*"}}]


class FakeTime:
    """A monotonic clock that only moves when something sleeps on it."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def web_sender(server: FakeSlack, time: FakeTime | None = None, token: str | None = None,
               **client: object) -> SlackWebSender:
    time = time or FakeTime()
    options = {"retry_interval": 0.0, "sleep": time.sleep} | client
    web = make_web_client(token or server.token, server.base_url, **options)  # type: ignore[arg-type]
    return SlackWebSender(web, "#war-claims", pace=1.0, clock=time.clock, sleep=time.sleep)


def test_post_sends_text_blocks_and_no_unfurls(slack_server: FakeSlack) -> None:
    posted = web_sender(slack_server).post(Message("hello", BLOCKS))
    [message] = slack_server.messages
    assert posted.channel == message["channel"] == slack_server.channel_id("#war-claims")
    assert posted.ts == message["ts"] and posted.status == "sent"
    assert message["text"] == "hello" and message["blocks"] == BLOCKS
    assert message["payload"]["unfurl_links"] is False
    assert message["thread_ts"] is None


def test_reply_goes_into_the_thread_of_its_channel(slack_server: FakeSlack) -> None:
    sender = web_sender(slack_server)
    first = sender.post(Message("top", BLOCKS))
    reply = sender.post(Message("reply", BLOCKS, thread_ts=first.ts, channel=first.channel))
    assert slack_server.messages[1]["thread_ts"] == first.ts
    assert reply.channel == first.channel and reply.ts != first.ts


def test_bad_token_is_a_service_failure(slack_server: FakeSlack) -> None:
    with pytest.raises(DeliveryError) as caught:
        web_sender(slack_server, token="xoxb-wrong").post(Message("hello", BLOCKS))
    assert caught.value.scope == SERVICE and "invalid_auth" in str(caught.value)  # type: ignore[attr-defined]
    assert slack_server.messages == []


def test_429_is_retried_after_retry_after_and_arrives_once(slack_server: FakeSlack) -> None:
    time = FakeTime()
    slack_server.rate_limit(1, retry_after=1)
    web_sender(slack_server, time).post(Message("hello", BLOCKS))
    assert len(slack_server.messages) == 1 and slack_server.calls == 2
    assert 1.0 in time.sleeps


def test_rate_limit_past_the_retries_fails_with_retry_after(slack_server: FakeSlack) -> None:
    slack_server.rate_limit(5, retry_after=1)
    with pytest.raises(DeliveryError) as caught:
        web_sender(slack_server, rate_limit_retries=2).post(Message("hello", BLOCKS))
    assert caught.value.scope == SERVICE and caught.value.retry_after == 1.0  # type: ignore[attr-defined]
    assert slack_server.calls == 3 and slack_server.messages == []


def test_long_retry_after_is_left_to_the_outbox(slack_server: FakeSlack) -> None:
    time = FakeTime()
    slack_server.rate_limit(1, retry_after=120)
    with pytest.raises(DeliveryError) as caught:
        web_sender(slack_server, time, max_wait=30.0).post(Message("hello", BLOCKS))
    assert caught.value.retry_after == 120.0 and time.sleeps == []  # type: ignore[attr-defined]


def test_server_error_and_api_errors_are_classified(slack_server: FakeSlack) -> None:
    sender = web_sender(slack_server)
    slack_server.server_error(1)
    with pytest.raises(DeliveryError) as caught:
        sender.post(Message("hello", BLOCKS))
    assert caught.value.scope == SERVICE and caught.value.status == 500  # type: ignore[attr-defined]
    slack_server.api_error(1, "channel_not_found")
    with pytest.raises(DeliveryError) as caught:
        sender.post(Message("hello", BLOCKS))
    assert caught.value.scope == CHANNEL  # type: ignore[attr-defined]
    too_many = [BLOCKS[0]] * 51
    with pytest.raises(DeliveryError) as caught:
        sender.post(Message("hello", too_many))
    assert caught.value.scope == MESSAGE and "invalid_blocks" in str(caught.value)  # type: ignore[attr-defined]
    assert slack_server.messages == []


def test_connection_refused_is_a_service_failure(slack_server: FakeSlack) -> None:
    sender = web_sender(slack_server)
    slack_server.stop()
    with pytest.raises(DeliveryError) as caught:
        sender.post(Message("hello", BLOCKS))
    assert caught.value.scope == SERVICE  # type: ignore[attr-defined]
    slack_server.restart()
    sender.post(Message("hello", BLOCKS))
    assert len(slack_server.messages) == 1


def test_pace_spaces_messages_per_channel(slack_server: FakeSlack) -> None:
    time = FakeTime()
    sender = web_sender(slack_server, time)
    first = sender.post(Message("one", BLOCKS))
    sender.post(Message("two", BLOCKS, thread_ts=first.ts, channel=first.channel))  # same channel
    assert time.sleeps == [1.0]
    time.now += 5
    sender.post(Message("three", BLOCKS))
    slack_server.channel_id("#other")
    sender.post(Message("four", BLOCKS, channel="#other"))
    assert time.sleeps == [1.0]
    sender.post(Message("five", BLOCKS))
    assert time.sleeps == [1.0, 1.0]
    assert len(slack_server.messages) == 5


def test_webhook_posts_and_429_raises_with_retry_after(slack_server: FakeSlack) -> None:
    time = FakeTime()
    client = make_webhook_client(slack_server.webhook_url, retry_interval=0.0)
    sender = WebhookSender(slack_server.webhook_url, client=client, clock=time.clock,
                           sleep=time.sleep)
    posted = sender.post(Message("hello", BLOCKS))
    assert posted.ts is None and sender.threads is False
    assert slack_server.webhook_messages[0]["text"] == "hello"
    assert slack_server.webhook_messages[0]["blocks"] == BLOCKS
    slack_server.webhook_rate_limit(1, retry_after=30)
    with pytest.raises(DeliveryError) as caught:
        sender.post(Message("again", BLOCKS))
    assert caught.value.retry_after == 30.0 and caught.value.status == 429  # type: ignore[attr-defined]
    assert len(slack_server.webhook_messages) == 1


def test_webhook_unreachable_is_a_service_failure(slack_server: FakeSlack) -> None:
    client = make_webhook_client(slack_server.webhook_url, retry_interval=0.0)
    sender = WebhookSender(slack_server.webhook_url, pace=0, client=client)
    slack_server.stop()
    with pytest.raises(DeliveryError) as caught:
        sender.post(Message("hello", BLOCKS))
    assert caught.value.scope == SERVICE  # type: ignore[attr-defined]


def test_log_sender_writes_one_line(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="monitor.notify.slack"):
        posted = LogSender().post(Message("fallback", BLOCKS, line="denial alert a_1 ..."))
    assert posted.status == LOGGED
    assert [r.getMessage() for r in caplog.records] == ["alert: denial alert a_1 ..."]
