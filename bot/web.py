"""The HTTP face for monitoring: ``/healthz`` (the watcher's verdict) and ``/metrics``.

It runs in threads of its own (the standard library's WSGI server with a thread per request),
not on the bot's event loop: a scrape that waits for the database must never delay a nurse's
press, and a stuck event loop must not silence the face that would report it.

``/healthz`` answers what ``neurocheck health`` answers, read from the database: 200 when no
instance is late with any work and the database answers, 503 with the reason otherwise. It is
a verdict on the ward's work, not on this process, so every instance gives the same answer.
"""

from __future__ import annotations

import logging
import socketserver
import threading
from collections.abc import Callable, Iterable
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from prometheus_client import make_wsgi_app

from bot import metrics, metrics_db
from bot.cli.health import verdict
from bot.clock import Clock
from bot.services import health
from storage.db import Database

log = logging.getLogger(__name__)

StartResponse = Callable[..., Any]
GRACE_MINUTES = int(health.DEFAULT_GRACE.total_seconds() // 60)


class HttpFace:
    """Serve ``/healthz`` and ``/metrics`` on ``host:port`` until ``stop``."""

    def __init__(self, db: Database, clock: Clock, zone: ZoneInfo) -> None:
        self._db = db
        self._clock = clock
        self._zone = zone
        self._metrics = make_wsgi_app(metrics.REGISTRY)
        self._collector = metrics_db.DatabaseCollector(db, clock)
        self._server: WSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "the HTTP face is not started"
        return int(self._server.server_port)

    def start(self, host: str, port: int) -> None:
        """Bind (port 0: any free one) and serve in a background thread."""
        self._server = make_server(
            host, port, self.app, server_class=_ThreadingServer, handler_class=_QuietHandler
        )
        metrics.REGISTRY.register(self._collector)
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="http-face", daemon=True
        )
        self._thread.start()
        log.info("monitoring on http://%s:%d/healthz and /metrics", host, self.port)

    def stop(self) -> None:
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        metrics.REGISTRY.unregister(self._collector)
        self._server = None

    def app(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == "/metrics":
            return self._metrics(environ, start_response)  # type: ignore[no-any-return]
        if path == "/healthz":
            status, text = self.healthz()
        else:
            status, text = "404 Not Found", "not found: try /healthz or /metrics"
        body = (text + "\n").encode()
        start_response(
            status,
            [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body)))],
        )
        return [body]

    def healthz(self) -> tuple[str, str]:
        """200 and ``ok: ...``, or 503 and one line per kind of late work (or the DB error)."""
        now = self._clock()
        try:
            with self._db.session() as session:
                found = health.overdue(session, now, health.DEFAULT_GRACE)
        except sa.exc.SQLAlchemyError as error:
            reason = str(error).splitlines()[0]
            return "503 Service Unavailable", f"cannot read the database: {reason}"
        lines = verdict(found, now, self._zone, GRACE_MINUTES)
        return ("503 Service Unavailable" if found else "200 OK"), "\n".join(lines)


class _ThreadingServer(socketserver.ThreadingMixIn, WSGIServer):
    daemon_threads = True  # a slow scrape never holds the process at exit


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Every scrape would be a log line; the bot's log is for the ward's events."""
