"""``notam-log serve``: the log on the web with Datasette (the optional ``[web]`` extra).

Datasette opens the database read-only (``mode=ro``; it has no write API before 1.0 and
no writable canned query is configured), so ``run`` can go on writing while people
browse. The metadata (``store/metadata.py``) titles and describes every table and column
and adds the canned queries; with ``datasette-leaflet-geojson`` installed (it comes with
the extra) the ``geometry`` column of NOTAMs is drawn on a map.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

from notam_log.core.errors import NotamLogError
from notam_log.shell.store import Store
from notam_log.shell.store.metadata import metadata

logger = logging.getLogger(__name__)

NEEDS = "notam-log serve needs Datasette: pip install 'notam-log[web]'"


def app(db_path: Path) -> Any:
    """A Datasette instance on the database (migrated first, then opened read-only)."""
    try:
        from datasette.app import Datasette
    except ImportError:
        raise NotamLogError(NEEDS) from None
    with Store(db_path, create=False):
        pass  # brings the schema up to date (the geometry column) before serving
    settings = {"default_page_size": 50, "sql_time_limit_ms": 3000, "max_returned_rows": 2000}
    return Datasette([str(db_path)], metadata=metadata(db_path.stem), settings=settings, cors=False)


def serve(db_path: Path, host: str, port: int) -> None:
    """Serve until interrupted (uvicorn, one worker)."""
    ds = app(db_path)
    try:
        import uvicorn
    except ImportError:
        raise NotamLogError(NEEDS) from None
    asyncio.run(ds.invoke_startup())
    logger.info("serving %s on http://%s:%d/", db_path, host, port)
    uvicorn.run(ds.app(), host=host, port=port, log_level="warning", lifespan="on", workers=1)
