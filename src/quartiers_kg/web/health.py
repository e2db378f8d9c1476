"""Health and metrics, for those who run the server: never cached, /metrics only for whom the settings allow."""

from __future__ import annotations

import hmac
import ipaddress
import json
from pathlib import Path

from flask import Blueprint, Response, jsonify, request

from .. import metrics
from ..errors import StoreError
from ..source.files import MANIFEST
from .context import get_store, serving_since, settings

bp = Blueprint("health", __name__)


@bp.route("/health")
def health():
    """Whether the store is open, the build served and since when, the last fetch, and whether this worker counts
    metrics: 503 when no store opens."""
    last_fetch = _last_fetch(Path(settings().source_dir) / "sources" / MANIFEST)
    try:
        info = get_store().info
    except StoreError as err:
        out = jsonify(status="unavailable", reason=str(err), last_fetch=last_fetch, metrics=metrics.state())
        out.status_code = 503
    else:
        out = jsonify(status="ok", version=info.version, built_at=info.built_at, serving_since=serving_since(),
                      triples=info.triples, last_fetch=last_fetch, metrics=metrics.state())
    out.cache_control.no_store = True
    return out


@bp.route("/metrics")
def prometheus():
    """Every metric in the Prometheus text format, for loopback clients that no proxy forwarded, or with the token."""
    cfg = settings()
    token = request.headers.get("Authorization", "").removeprefix("Bearer ")
    if cfg.metrics_token:
        allowed = hmac.compare_digest(token.encode(), cfg.metrics_token.encode())
    else:
        allowed = _loopback(request.remote_addr) and "X-Forwarded-For" not in request.headers
    if not allowed:
        out = Response("403 Forbidden: the metrics are for the operator (QKG_METRICS_TOKEN, or from this machine)\n",
                       403, content_type="text/plain; charset=utf-8")
    elif metrics.OFF:
        out = Response(f"503 Service Unavailable: metrics are off in this worker: {metrics.OFF}\n", 503,
                       content_type="text/plain; charset=utf-8")
    else:
        try:
            info = get_store().info
        except StoreError:
            info = None
        out = Response(metrics.exposition(info), content_type=metrics.CONTENT_TYPE)
    out.cache_control.no_store = True
    return out


def _loopback(address: str | None) -> bool:
    try:
        return address is not None and ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _last_fetch(manifest: Path) -> dict | None:
    """When the last fetch into the default mirror ended, what it found, how many addresses failed and were skipped."""
    try:
        run = json.loads(manifest.read_text(encoding="utf-8")).get("last_run")
    except (OSError, ValueError):
        return None
    return run and {"finished": run["finished"], "counts": run["counts"], "failures": len(run["failures"]),
                    "skipped": len(run.get("skipped", {}))}
