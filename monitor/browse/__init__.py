"""`monitor browse`: Datasette on the monitor's store, read-only, made for its data.

Everything Datasette needs ships in this package, beside this file:

    metadata.json   titles, descriptions of every table and column, facets, sort orders,
                    full-text search, hidden tables, and the canned queries
    settings.json   Datasette settings (page sizes, time limits)
    templates/      pages of the canned queries (alerts side by side, story timeline, chart)
    static/         browse.css
    plugin.py       how cells read (links, badges), query-only connections, the SVG chart

The database always appears as `/monitor`, whatever the file is called. It is opened
read-only but not immutable: the daemon keeps writing through WAL, and every page shows the
rows committed so far, without a restart.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from monitor.errors import ConfigError

__all__ = ["DATABASE", "make_app", "serve"]

HERE = Path(__file__).resolve().parent
DATABASE = "monitor"
PLUGIN_NAME = "monitor.browse"


def load_json(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((HERE / name).read_text(encoding="utf-8"))
    return data


def make_app(db_path: Path | str) -> Any:
    """A `datasette.app.Datasette` serving `db_path` as /monitor with the shipped metadata."""
    from datasette.app import Datasette
    from datasette.database import Database
    from datasette.plugins import pm

    from monitor.browse import plugin

    path = Path(db_path)
    if not path.is_file():
        raise ConfigError(f"no database at {path}: run the monitor first, or pass --db")
    if pm.get_plugin(PLUGIN_NAME) is None:
        pm.register(plugin, name=PLUGIN_NAME)
    ds = Datasette(
        metadata=load_json("metadata.json"),
        settings=load_json("settings.json"),
        template_dir=str(HERE / "templates"),
        static_mounts=[("monitor-static", str(HERE / "static"))],
    )
    ds.remove_database("_memory")
    ds.add_database(Database(ds, path=str(path.resolve()), is_mutable=True), name=DATABASE)
    return ds


def serve(db_path: Path | str, host: str = "127.0.0.1", port: int = 8001) -> None:
    """Serve Datasette on `host:port` until Ctrl-C (or SIGTERM)."""
    import uvicorn

    app = make_app(db_path).app()
    uvicorn.run(app, host=host, port=port, log_level="info", lifespan="on", workers=1)
