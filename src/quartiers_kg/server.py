"""Run the app on gunicorn, a production WSGI server: N worker processes over one read-only store."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from .config import Settings
from .web import create_app


class _Gunicorn(BaseApplication):
    def __init__(self, app, options: dict):
        self.application, self.options = app, options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        return self.application


def run(settings: Settings) -> None:
    """Serve until stopped. A worker stuck past the query timeout is killed and replaced by gunicorn."""
    options = {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.workers,
        "worker_class": "sync",
        "timeout": int(settings.query_timeout) + 30,
        "limit_request_line": 8190,
        "limit_request_field_size": 8190,
        "accesslog": "-",
        "errorlog": "-",
    }
    _Gunicorn(create_app(settings), options).run()
