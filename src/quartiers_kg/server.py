"""Run the app on gunicorn, a production WSGI server: N worker processes over one read-only store."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from .config import Settings
from .errors import QuartiersError
from .web import create_app
from .web.context import get_store
from .web.errors import RETIRE_WORKER


class _Gunicorn(BaseApplication):
    def __init__(self, app, options: dict):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def _retire_after_timeout(worker, req, environ, resp) -> None:
    """After answering a timed-out query, let the worker exit: that ends the runaway evaluation."""
    if environ.get(RETIRE_WORKER):
        worker.log.warning("retiring worker %s: a query ran past its time budget", worker.pid)
        worker.alive = False


def _open_store(app):
    def post_fork(server, worker) -> None:
        """Open (and copy into memory) the store as the worker starts, not on its first request."""
        with app.app_context():
            try:
                get_store()
            except QuartiersError as err:  # the worker stays up and answers 503 with the reason until it can open it
                worker.log.error("cannot open the store: %s", err)

    return post_fork


def run(settings: Settings) -> None:
    """Serve until stopped. A worker that timed a query out leaves after answering; gunicorn replaces it."""
    options = {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.workers,
        "worker_class": "gthread",  # keep-alive, and queries of one worker run side by side (pyoxigraph frees the GIL)
        "threads": settings.threads,
        "keepalive": 5,
        "timeout": int(settings.query_timeout) + 30,
        "limit_request_line": 8190,
        "limit_request_field_size": 8190,
        "accesslog": "-" if settings.access_log else None,
        "errorlog": "-",
        "post_request": _retire_after_timeout,
    }
    app = create_app(settings)
    options["post_fork"] = _open_store(app)
    _Gunicorn(app, options).run()
