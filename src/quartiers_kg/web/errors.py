"""One handler renders every error: pick the status, then plain text, JSON or an HTML page."""

from __future__ import annotations

import logging

from flask import Flask, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from ..errors import QuartiersError
from .protocol import FAILED, error_body, error_form, error_of, retires

log = logging.getLogger(__name__)
RETIRE_WORKER = "quartiers.retire_worker"

# what a person reads on the HTML error page (machines get protocol.TITLES' English reason phrase)
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
    form = error_form(request.headers.get("Accept"))
    if form == "text/html":
        german, explanation = GERMAN.get(status, ("Fehler", ""))
        out = make_response(render_template("error.html", status=status, title=german, explanation=explanation,
                                            message=message), status)
    else:
        content_type, body = error_body(status, message, form)
        out = make_response(body, status, {"Content-Type": content_type})
    out.headers.update(headers or {})
    return out


def register(app: Flask) -> None:
    @app.errorhandler(QuartiersError)
    def handle_ours(err: QuartiersError):
        if retires(err):  # the server retires the worker after answering
            request.environ[RETIRE_WORKER] = True
        return render_error(*error_of(err))

    @app.errorhandler(HTTPException)
    def handle_http(err: HTTPException):
        headers = {"Allow": ", ".join(err.valid_methods)} if getattr(err, "valid_methods", None) else None
        return render_error(err.code or 500, err.description or err.name, headers)

    @app.errorhandler(Exception)
    def handle_unexpected(err: Exception):
        log.exception("unexpected error", exc_info=err)
        return render_error(500, FAILED)
