"""One handler renders every error: pick the status, then plain text, JSON or an HTML page."""

from __future__ import annotations

import logging

from flask import Flask, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from .. import metrics
from ..errors import NotAcceptable, QueryOutOfMemory, QueryTimeout, QuartiersError
from .negotiation import choose

log = logging.getLogger(__name__)
RETIRE_WORKER = "quartiers.retire_worker"

TITLES = {400: "Bad request", 404: "Not found", 405: "Method not allowed", 406: "Not acceptable", 413: "Request too large",
          414: "URI too long", 415: "Unsupported media type", 500: "Internal server error", 503: "Service unavailable"}

# what a person reads on the HTML error page (machines get the English reason phrase above)
GERMAN = {400: ("Ungültige Anfrage", "Die Anfrage oder einer ihrer Parameter ist fehlerhaft."),
          404: ("Nicht gefunden", "Diese Adresse kennt der Wissensgraph nicht."),
          405: ("Methode nicht erlaubt", "Diese Adresse beantwortet nur GET, HEAD und OPTIONS (der SPARQL-Endpunkt auch POST)."),
          406: ("Format nicht verfügbar", "Keines der verlangten Formate (Accept-Header) wird hier angeboten."),
          413: ("Anfrage zu groß", "Die Anfrage überschreitet die erlaubte Größe."),
          414: ("Adresse zu lang", "Die Adresse der Anfrage ist zu lang."),
          415: ("Inhaltstyp nicht unterstützt", "Der Inhaltstyp der Anfrage wird nicht unterstützt."),
          500: ("Serverfehler", "Der Server ist gescheitert; der Fehler ist protokolliert."),
          503: ("Vorübergehend nicht verfügbar", "Die Anfrage überschritt ihr Zeit- oder Speicherbudget, oder der Speicher ist nicht erreichbar.")}


def render_error(status: int, message: str, headers: dict | None = None):
    """Answer in the form the client wants: HTML for browsers, JSON for JSON clients, else plain text."""
    try:
        form = choose(request.headers.get("Accept"), ["text/plain", "text/html", "application/json"], "text/plain")
    except NotAcceptable:
        form = "text/plain"
    title = TITLES.get(status, "Error")
    if form == "text/html":
        german, explanation = GERMAN.get(status, ("Fehler", ""))
        out = make_response(render_template("error.html", status=status, title=german, explanation=explanation,
                                            message=message), status)
    elif form == "application/json":
        out = make_response(jsonify(status=status, error=title, message=message), status)
    else:
        out = make_response(f"{status} {title}: {message}\n", status)
        out.headers["Content-Type"] = "text/plain; charset=utf-8"
    out.headers.update(headers or {})
    return out


def register(app: Flask) -> None:
    @app.errorhandler(QuartiersError)
    def handle_ours(err: QuartiersError):
        status = err.status
        if isinstance(err, QueryTimeout):
            metrics.OVER_BUDGET.labels("memory" if isinstance(err, QueryOutOfMemory) else "time").inc()
        if isinstance(err, QueryTimeout) and err.in_process:
            # the engine still runs the query in this process: the server retires the worker after answering
            request.environ[RETIRE_WORKER] = True
        if status == 500:
            log.exception("unexpected error", exc_info=err)
            return render_error(500, "the server failed; the fault is logged")
        return render_error(status, str(err).splitlines()[0] if status != 400 else str(err))

    @app.errorhandler(HTTPException)
    def handle_http(err: HTTPException):
        headers = {"Allow": ", ".join(err.valid_methods)} if getattr(err, "valid_methods", None) else None
        return render_error(err.code or 500, err.description or err.name, headers)

    @app.errorhandler(Exception)
    def handle_unexpected(err: Exception):
        log.exception("unexpected error", exc_info=err)
        return render_error(500, "the server failed; the fault is logged")
