"""The `monitor` command: parses options, calls the same functions the daemon calls, prints.

Exit codes: 0 success, 2 bad input or configuration (one clear message), 1 unexpected failure.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from monitor import config as config_mod
from monitor.errors import ConfigError

F = TypeVar("F", bound=Callable[..., Any])
log = logging.getLogger("monitor")


def _setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "httpcore", "apscheduler.executors.default", "filelock"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


class Context:
    def __init__(self, config_path: str | None, db: str | None) -> None:
        self.config_path = config_path
        self.db = db
        self._config: config_mod.Config | None = None

    @property
    def config(self) -> config_mod.Config:
        if self._config is None:
            loaded = config_mod.load(self.config_path)
            if self.db:
                loaded = config_mod.with_overrides(loaded, storage={"path": self.db})
            self._config = loaded
        return self._config

    def store(self) -> Any:
        from monitor.store import open_store

        return open_store(self.config.db_path)


pass_ctx = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--config",
    "config_path",
    envvar="MONITOR_CONFIG",
    type=click.Path(),
    help="TOML configuration file (default config/monitor.toml, or $MONITOR_CONFIG).",
)
@click.option("--db", help="SQLite file to use instead of [storage] path.")
@click.option("--log-level", default="INFO", show_default=True, help="DEBUG, INFO, WARNING...")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None, db: str | None, log_level: str) -> None:
    """Watch news feeds for war-crime allegations and the denials and contradictions that
    answer them."""
    _setup_logging(log_level)
    ctx.obj = Context(config_path, db)


@cli.command()
@pass_ctx
def run(ctx: Context) -> None:
    """Run the daemon in the foreground until SIGTERM or SIGINT."""
    from monitor.service import build_daemon

    daemon = build_daemon(ctx.config)
    daemon.run()


@cli.command()
@click.option("--once", is_flag=True, required=True, help="Poll every feed once and exit.")
@pass_ctx
def poll(ctx: Context, once: bool) -> None:
    """Poll every active feed once, analyse what is new, send pending alerts, exit."""
    from monitor.service import build_daemon

    outcomes = build_daemon(ctx.config).run_once()
    new = sum(o.new_items for o in outcomes)
    failed = sum(1 for o in outcomes if o.error)
    click.echo(f"polled {len(outcomes)} feeds: {new} new items, {failed} failed")


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@pass_ctx
def status(ctx: Context, as_json: bool) -> None:
    """Each feed's health: last success, consecutive failures, next poll, items in the last day."""
    from monitor.store import feeds as feed_store

    rows = feed_store.health(
        ctx.store(), datetime.now(UTC), ctx.config["polling"]["stale_after_hours"]
    )
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    click.echo(f"{'state':8} {'last success':20} {'fails':>5} {'next poll':20} {'24h':>4}  feed")
    for r in rows:
        click.echo(
            f"{r['state']:8} {r['last_success'] or '-':20} {r['consecutive_failures']:>5} "
            f"{r['next_poll'] or '-':20} {r['items_last_day']:>4}  {r['name']}"
            + (f"  [{r['last_error']}]" if r["last_error"] and r["state"] != "ok" else "")
        )


@cli.group()
def feeds() -> None:
    """List and manage subscriptions."""


@feeds.command("list")
@click.option("--all", "include_removed", is_flag=True, help="Include removed feeds.")
@pass_ctx
def feeds_list(ctx: Context, include_removed: bool) -> None:
    """List the feeds."""
    from monitor.store import feeds as feed_store

    store = ctx.store()
    feed_store.sync_config_feeds(store, _config_feeds(ctx), datetime.now(UTC))
    for row in feed_store.list_feeds(store, include_removed):
        flag = "" if row["active"] else " (removed)"
        click.echo(f"{row['id']}  {row['name']}  {row['url']}{flag}")


@feeds.command("add")
@click.argument("url")
@click.option("--name", help="Display name (default: the URL).")
@pass_ctx
def feeds_add(ctx: Context, url: str, name: str | None) -> None:
    """Subscribe to a feed URL."""
    from monitor.store import feeds as feed_store

    config_mod.validate_url(url, "URL")
    fid, created = feed_store.add_feed(ctx.store(), name or url, url, "cli", datetime.now(UTC))
    click.echo(f"{'added' if created else 'already subscribed'}: {fid} {url}")


@feeds.command("remove")
@click.argument("name_or_url")
@pass_ctx
def feeds_remove(ctx: Context, name_or_url: str) -> None:
    """Stop polling a feed (by name, URL or id); its articles stay."""
    from monitor.store import feeds as feed_store

    store = ctx.store()
    feed_store.sync_config_feeds(store, _config_feeds(ctx), datetime.now(UTC))
    if not feed_store.remove_feed(store, name_or_url):
        raise ConfigError(f"no active feed matches {name_or_url!r}")
    click.echo(f"removed: {name_or_url}")


@feeds.command("import-opml")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_ctx
def feeds_import_opml(ctx: Context, file: str) -> None:
    """Subscribe to every feed of an OPML file (re-importing adds nothing twice)."""
    from monitor.feeds.opml import import_opml

    added, skipped = import_opml(ctx.store(), Path(file), datetime.now(UTC))
    click.echo(f"imported {added} feeds, {skipped} already subscribed")


def _config_feeds(ctx: Context) -> list[tuple[str, str, int | None]]:
    return [(f.name, f.url, f.interval) for f in ctx.config.feeds]


@cli.command()
@click.argument("file", default="-", type=click.File("r", encoding="utf-8"))
@pass_ctx
def analyze(ctx: Context, file: Any) -> None:
    """Analyse JSON Lines articles (FILE or - for stdin); print one JSON object per article.

    Without --db the work is done on a fresh temporary store.
    """
    from monitor.service import analyze_lines

    for obj in analyze_lines(ctx.config, file, use_db=ctx.db is not None):
        click.echo(json.dumps(obj, ensure_ascii=False))


@cli.command()
@click.argument("text")
@pass_ctx
def classify(ctx: Context, text: str) -> None:
    """Classify TEXT (a headline, optionally followed by text) and show its claims."""
    from monitor.service import classify_text

    click.echo(classify_text(ctx.config, text))


@cli.command("eval")
@click.argument("sections", nargs=-1)
@pass_ctx
def eval_(ctx: Context, sections: tuple[str, ...]) -> None:
    """Precision, recall and F1 per label on held-out and public evaluation sets."""
    from monitor.evaluation import run

    click.echo(run(list(sections) or None, ctx.config))


@cli.command()
@click.option("--story", help="Silence a story (its id).")
@click.option("--speaker", help="Silence a speaker or actor (canonical name).")
@click.option("--list", "show", is_flag=True, help="List the mutes.")
@click.option("--remove", "remove", is_flag=True, help="Remove the given mute instead.")
@pass_ctx
def mute(ctx: Context, story: str | None, speaker: str | None, show: bool, remove: bool) -> None:
    """Silence alerts for a story or a speaker (they are still stored)."""
    from monitor.store import alerts as alert_store

    store = ctx.store()
    if show:
        for row in alert_store.list_mutes(store):
            click.echo(f"{row['kind']:8} {row['value']}")
        return
    if not story and not speaker:
        raise ConfigError("mute: give --story ID or --speaker NAME (or --list)")
    kind, value = ("story", story) if story else ("speaker", speaker)
    assert value is not None
    if remove:
        alert_store.unmute(store, kind, value)
        click.echo(f"unmuted {kind} {value}")
    else:
        alert_store.mute(store, kind, value, datetime.now(UTC))
        click.echo(f"muted {kind} {value}")


@cli.command()
@click.option("--port", default=8001, show_default=True, type=int)
@click.option("--host", default="127.0.0.1", show_default=True)
@pass_ctx
def browse(ctx: Context, port: int, host: str) -> None:
    """Browse the stored articles, claims, stories and alerts in Datasette (read-only)."""
    from monitor.browse import serve

    ctx.store().close()  # creates and migrates the file if it is new
    serve(ctx.config.db_path, host=host, port=port)


def main(argv: list[str] | None = None) -> int:
    try:
        cli.main(args=argv, prog_name="monitor", standalone_mode=False)
    except ConfigError as exc:
        click.echo(f"error: {exc}", err=True)
        return 2
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        return 2
    except click.Abort:
        return 1
    except Exception:  # noqa: BLE001
        log.exception("unexpected failure")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
