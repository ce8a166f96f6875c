"""Configuration: one TOML file, every key declared once in `SETTINGS`.

`load(path)` returns a frozen `Config`; an unknown key, a wrong type or a bad value raises
`ConfigError` naming the key. Secrets come only from the environment.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from monitor.errors import ConfigError

DEFAULT_PATH = Path("config/monitor.toml")


@dataclass(frozen=True)
class Setting:
    default: Any
    help: str
    check: Callable[[Any], str | None] | None = None


def _positive(v: Any) -> str | None:
    return None if v > 0 else "must be greater than 0"


def _non_negative(v: Any) -> str | None:
    return None if v >= 0 else "must be 0 or more"


def _unit(v: Any) -> str | None:
    return None if 0 <= v <= 1 else "must be between 0 and 1"


def _http_url(v: Any) -> str | None:
    parts = urlsplit(v)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"is not an http(s) URL: {v!r}"
    return None


def _channel(v: Any) -> str | None:
    return None if v else "must not be empty"


SETTINGS: dict[str, dict[str, Setting]] = {
    "storage": {
        "path": Setting(
            "data/monitor.db", "The SQLite file the monitor writes and Datasette reads."
        ),
    },
    "polling": {
        "default_interval": Setting(900, "Seconds between polls of a new feed.", _positive),
        "min_interval": Setting(
            300, "Shortest interval the adaptive schedule may choose.", _positive
        ),
        "max_interval": Setting(3600, "Longest interval for a healthy, quiet feed.", _positive),
        "failure_max_backoff": Setting(
            21600, "Cap in seconds on the exponential back-off of a failing feed.", _positive
        ),
        "jitter": Setting(
            30, "Random seconds added to each poll so feeds do not align.", _non_negative
        ),
        "connect_timeout": Setting(10.0, "Seconds to wait for a connection.", _positive),
        "read_timeout": Setting(30.0, "Seconds to wait for the whole response.", _positive),
        "max_bytes": Setting(10_000_000, "Largest response body accepted, in bytes.", _positive),
        "max_redirects": Setting(5, "Redirects followed before giving up.", _non_negative),
        "per_host": Setting(2, "Requests at once to one host.", _positive),
        "workers": Setting(8, "Feeds polled at once.", _positive),
        "user_agent": Setting(
            "conflict-monitor/0.1 (+https://github.com/conflict-monitor; news monitoring)",
            "User-Agent sent with every request.",
            _channel,
        ),
        "dedup_window_hours": Setting(
            48,
            "Articles with the same normalised title within this window are one article.",
            _positive,
        ),
        "stale_after_hours": Setting(
            72, "A feed with no new item for this long is shown as stale.", _positive
        ),
        "full_text": Setting(False, "Fetch the full text of relevant articles with trafilatura."),
    },
    "classification": {
        "threads": Setting(
            1,
            "CPU threads per encoder run. `monitor analyze` runs two encoder streams at once "
            "(the next batch's topics beside this batch's claims), so 1 each fills 2 cores.",
            _positive,
        ),
        "batch_size": Setting(
            1,
            "Texts encoded at once. 1 keeps each text's int8 embedding independent of the "
            "others (int8 activations are scaled per batch); see docs/benchmarks.md.",
            _positive,
        ),
        "relevant_threshold": Setting(
            0.5,
            "Minimum score of a conflict label for an article to be treated as relevant.",
            _unit,
        ),
        "runtime": Setting("auto", "Encoder runtime: auto, torch or onnx-int8."),
    },
    "detection": {
        "story_similarity": Setting(
            0.55, "Encoder similarity that joins a claim to a story.", _unit
        ),
        "story_window_hours": Setting(240, "How long a story stays open to new claims.", _positive),
        "denial_threshold": Setting(0.5, "Minimum score of a denial alert.", _unit),
        "contradiction_threshold": Setting(0.5, "Minimum score of a contradiction alert.", _unit),
        "judge": Setting(
            True, "Let the answer judge (a cross-encoder reading whole reports) veto and rescue "
            "denials; see docs/evaluation.md."),
        "judge_veto": Setting(
            0.05, "A rule's denial the judge scores below this is dropped.", _unit),
        "judge_rescue": Setting(
            0.9, "A denying report the rules matched to nothing raises a denial of the "
            "reports the judge scores at or above this.", _unit),
    },
    "slack": {
        "channel": Setting("#war-claims", "Channel the alerts are posted to.", _channel),
        "base_url": Setting("https://slack.com/api/", "Slack Web API base URL.", _http_url),
        "pace": Setting(1.0, "Seconds between two messages to one channel.", _non_negative),
        "digest_interval": Setting(
            0, "Seconds between digest messages; 0 sends one message per alert.", _non_negative
        ),
        "send_interval": Setting(5, "Seconds between two passes of the alert sender.", _positive),
    },
}

FEED_KEYS = {
    "name": "Display name of the feed.",
    "url": "The RSS/Atom URL.",
    "interval": "Optional fixed poll interval in seconds.",
}
ENV_SECRETS = {
    "SLACK_BOT_TOKEN": "Bot token for chat.postMessage (xoxb-...).",
    "SLACK_WEBHOOK_URL": "Incoming-webhook URL, used when no bot token is set.",
}


@dataclass(frozen=True)
class FeedConfig:
    name: str
    url: str
    interval: int | None = None


@dataclass(frozen=True)
class Config:
    """The validated settings; `section("polling")["min_interval"]` or attributes below."""

    values: Mapping[str, Mapping[str, Any]]
    feeds: tuple[FeedConfig, ...]
    slack_token: str | None
    slack_webhook: str | None
    path: Path | None

    def __getitem__(self, section: str) -> Mapping[str, Any]:
        return self.values[section]

    @property
    def db_path(self) -> Path:
        return Path(self.values["storage"]["path"])


def validate_url(value: Any, key: str) -> str:
    """Return `value` if it is an http(s) URL, else raise `ConfigError` naming `key`."""
    if not isinstance(value, str):
        raise ConfigError(f"{key}: expected a string, got {type(value).__name__}")
    problem = _http_url(value)
    if problem:
        raise ConfigError(f"{key}: {problem}")
    return value


def _coerce(key: str, value: Any, setting: Setting) -> Any:
    expected = type(setting.default)
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if type(value) is not expected:
        raise ConfigError(
            f"{key}: expected {expected.__name__}, got {type(value).__name__} ({value!r})"
        )
    problem = setting.check(value) if setting.check else None
    if problem:
        raise ConfigError(f"{key}: {problem}")
    return value


def _feeds(raw: Any) -> tuple[FeedConfig, ...]:
    if not isinstance(raw, list):
        raise ConfigError("feeds: expected an array of tables ([[feeds]])")
    out: list[FeedConfig] = []
    for i, item in enumerate(raw):
        where = f"feeds[{i}]"
        if not isinstance(item, dict):
            raise ConfigError(f"{where}: expected a table")
        for key in item:
            if key not in FEED_KEYS:
                raise ConfigError(f"{where}.{key}: unknown key (known: {', '.join(FEED_KEYS)})")
        url = validate_url(item.get("url"), f"{where}.url")
        name = item.get("name") or url
        interval = item.get("interval")
        if interval is not None and (not isinstance(interval, int) or interval <= 0):
            raise ConfigError(f"{where}.interval: must be a positive number of seconds")
        out.append(FeedConfig(name=str(name), url=url, interval=interval))
    return tuple(out)


def from_dict(
    raw: Mapping[str, Any], env: Mapping[str, str] | None = None, path: Path | None = None
) -> Config:
    """Validate a parsed TOML document; `env` defaults to the process environment."""
    env = os.environ if env is None else env
    values: dict[str, dict[str, Any]] = {}
    for section, table in raw.items():
        if section == "feeds":
            continue
        if section not in SETTINGS:
            raise ConfigError(
                f"{section}: unknown section (known: {', '.join([*SETTINGS, 'feeds'])})"
            )
        if not isinstance(table, dict):
            raise ConfigError(f"{section}: expected a table")
        for key in table:
            if key not in SETTINGS[section]:
                known = ", ".join(SETTINGS[section])
                raise ConfigError(f"{section}.{key}: unknown key (known: {known})")
    for section, settings in SETTINGS.items():
        table = raw.get(section, {})
        values[section] = {
            key: _coerce(f"{section}.{key}", table[key], s) if key in table else s.default
            for key, s in settings.items()
        }
    polling = values["polling"]
    if polling["min_interval"] > polling["max_interval"]:
        raise ConfigError("polling.min_interval: must not exceed polling.max_interval")
    webhook = env.get("SLACK_WEBHOOK_URL") or None
    if webhook:
        validate_url(webhook, "SLACK_WEBHOOK_URL")
    return Config(
        values=values,
        feeds=_feeds(raw.get("feeds", [])),
        slack_token=env.get("SLACK_BOT_TOKEN") or None,
        slack_webhook=webhook,
        path=path,
    )


def load(path: Path | str | None = None, env: Mapping[str, str] | None = None) -> Config:
    """Read and validate the TOML file at `path` (or $MONITOR_CONFIG, or the default)."""
    env = os.environ if env is None else env
    chosen = Path(path or env.get("MONITOR_CONFIG") or DEFAULT_PATH)
    try:
        raw = tomllib.loads(chosen.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"config file not found: {chosen}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{chosen}: not valid TOML: {exc}") from None
    return from_dict(raw, env=env, path=chosen)


def with_overrides(config: Config, **sections: Mapping[str, Any]) -> Config:
    """A copy of `config` with some keys replaced, validated like the file (used by tests)."""
    merged = {s: dict(v) for s, v in config.values.items()}
    for section, table in sections.items():
        merged.setdefault(section, {}).update(table)
    raw: dict[str, Any] = dict(merged)
    raw["feeds"] = [
        {"name": f.name, "url": f.url} | ({"interval": f.interval} if f.interval else {})
        for f in config.feeds
    ]
    env = {}
    if config.slack_token:
        env["SLACK_BOT_TOKEN"] = config.slack_token
    if config.slack_webhook:
        env["SLACK_WEBHOOK_URL"] = config.slack_webhook
    return from_dict(raw, env=env, path=config.path)


def markdown() -> str:
    """docs/configuration.md, generated from `SETTINGS` (a test keeps the two in step)."""
    out = [
        "# Configuration",
        "",
        "One TOML file, `config/monitor.toml` by default (`monitor --config PATH` or",
        "`$MONITOR_CONFIG` choose another). Every key is validated at start: an unknown key, a",
        "wrong type or a bad value stops the monitor with exit code 2 and a message naming the "
        "key.",
        "This page is generated by `python -m monitor.config > docs/configuration.md`.",
        "",
    ]
    for section, settings in SETTINGS.items():
        out += [f"## [{section}]", "", "| key | default | meaning |", "|---|---|---|"]
        out += [f"| `{key}` | `{s.default!r}` | {s.help} |" for key, s in settings.items()]
        out.append("")
    out += ["## [[feeds]]", "", "One table per feed.", "", "| key | meaning |", "|---|---|"]
    out += [f"| `{key}` | {help_} |" for key, help_ in FEED_KEYS.items()]
    out += ["", "## Environment (secrets)", "", "| variable | meaning |", "|---|---|"]
    out += [f"| `{key}` | {help_} |" for key, help_ in ENV_SECRETS.items()]
    out += ["", "Secrets are read only from the environment and never logged.", ""]
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown(), end="")
