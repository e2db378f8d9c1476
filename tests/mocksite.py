"""A mock of the toolbox's two sites on loopback, for the crawler: print pages, module folders with tabs, and
every trouble a real site gives (robots.txt, gaps, 503 with Retry-After, redirects, charsets, slow answers).
Its pages are made from the template here; no real page text."""

from __future__ import annotations

import gc
import hashlib
import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field

from flask import Flask, Response, abort, redirect, request
from werkzeug.serving import make_server

from .pages import TAB_NAMES, TABS, full_page

ROOT = "/aq-nrw/modulbaukasten/"
SLOW_SECONDS = 8.0  # well past the fetch timeout of the tests, on a busy machine too


def _html(title: str, body: str, links: list[str] = ()) -> str:
    nav = "".join(f'<li><a href="{href}">{href}</a></li>' for href in links)
    return f"<!DOCTYPE html><html><head><title>{title}</title></head><body><nav><ul>{nav}</ul></nav>{body}</body></html>"


def _paragraphs(lines: list[str]) -> str:
    return "".join(f"<p>{line}</p>" for line in lines if line)


def _footer(page: int, pages: int) -> str:
    return f"<footer><p>Seite {page} / {pages}</p><p>Inhalt:</p><p>{TAB_NAMES[page - 1]}</p></footer>"


def module_folder(number: int, slug: str, title: str) -> dict[str, str]:
    """The tabs of one module folder as HTML pages (overview, implementation, steps, pitfalls), footers included."""
    from quartiers_kg.model import DIMENSIONS

    folder = f"{ROOT}modul-{number:02d}-{slug}/"
    tabs = [folder + (f"{t}/" if t else "") for t in (TABS[0], TABS[2], TABS[3], TABS[4])]
    scales = "".join(f"<p>{d.label}:</p><p>{d.low}</p><p>{d.high}</p>" for d in DIMENSIONS)
    bodies = [
        f"<h1>{title}</h1><p>Ein Ziel des Moduls {number}.</p>{scales}",
        f"<h1>{title}</h1><h2>Umsetzung und Durchführung</h2><p>Man beginnt im Kleinen.</p>",
        f"<h1>{title}</h1><ul><li>Planen</li><li>Machen</li></ul>",  # no heading: placed by its tab
        f"<h1>{title}</h1><h2>Stolpersteine</h2><p>Zu wenig Zeit.</p><h2>Bewertung</h2><p>Lohnt sich.</p>",
    ]
    pages = {}
    for tab_url, body, number_on_footer in zip(tabs, bodies, (1, 3, 4, 5)):
        pages[tab_url] = _html(title, body + _footer(number_on_footer, 5), [t.rstrip("/") for t in tabs])
    return pages


@dataclass
class MockSite:
    """The pages, what was asked of them, and switches a test can flip."""

    pages: dict[str, tuple[str, str]] = field(default_factory=dict)  # path -> (content type, body)
    requests: list[tuple[float, str, str]] = field(default_factory=list)  # (time, path, User-Agent)
    answers: list[tuple[str, int]] = field(default_factory=list)  # (path, status) of the pages
    unavailable_once: set[str] = field(default_factory=set)
    slow: set[str] = field(default_factory=set)
    moved: dict[str, str] = field(default_factory=dict)
    handlers: dict[str, Callable[[], Response]] = field(default_factory=dict)  # path -> a hostile answer of its own
    url: str = ""

    def build(self) -> MockSite:
        root_links = [f"{ROOT}modul-07-testmodul", f"{ROOT}modul-09-zweites-modul/", f"{ROOT}intern/entwurf/",
                      "https://example.invalid/fremd/", "/impressum/"]
        self.pages[ROOT] = ("text/html; charset=utf-8", _html("Modulbaukasten", "<p>Alle Module</p>", root_links))
        self.pages[f"{ROOT}intern/entwurf/"] = ("text/html", _html("Entwurf", "<p>nicht öffentlich</p>"))
        self.pages["/impressum/"] = ("text/html", _html("Impressum", "<p>außerhalb</p>"))
        for number, slug, title in ((7, "testmodul", "Testmodul im Netz"), (9, "zweites-modul", "Zweites Modul")):
            for path, body in module_folder(number, slug, title).items():
                self.pages[path] = ("text/html; charset=utf-8", body)
        druck = "/druck/druck_{:02d}.html"
        self.pages[druck.format(7)] = ("text/html; charset=utf-8", _print_html(7, "Testmodul"))
        latin = _print_html(9, "Zweites Modul für Ältere").encode("iso-8859-1")
        self.pages[druck.format(9)] = ("text/html; charset=ISO-8859-1", latin)
        self.pages[druck.format(10)] = ("text/html; charset=utf-8", _print_html(10, "Drittes Modul"))
        self.pages["/druck/neu/druck_11.html"] = ("text/html; charset=utf-8", _print_html(11, "Umgezogenes Modul"))
        self.pages[druck.format(12)] = ("text/html; charset=utf-8", _print_html(12, "Langsames Modul"))
        self.moved[druck.format(11)] = "/druck/neu/druck_11.html"
        self.unavailable_once.add(druck.format(10))
        self.slow.add(druck.format(12))
        return self

    def app(self) -> Flask:
        app = Flask("mocksite")

        @app.route("/robots.txt")
        def robots():
            self.requests.append((time.monotonic(), "/robots.txt", request.headers.get("User-Agent", "")))
            return Response(f"User-agent: *\nDisallow: {ROOT}intern/\n", content_type="text/plain")

        @app.route("/", defaults={"path": ""})
        @app.route("/<path:path>")
        def page(path: str):
            path = "/" + path
            self.requests.append((time.monotonic(), path, request.headers.get("User-Agent", "")))
            if path in self.handlers:
                return self.handlers[path]()
            if path in self.moved:
                return redirect(self.moved[path], code=301)
            if path in self.unavailable_once:
                self.unavailable_once.discard(path)
                return Response("busy", status=503, headers={"Retry-After": "1"})
            if path in self.slow:
                time.sleep(SLOW_SECONDS)
            if path not in self.pages:
                abort(404)
            content_type, body = self.pages[path]
            data = body if isinstance(body, bytes) else body.encode("utf-8")
            etag = '"' + hashlib.sha256(data).hexdigest()[:16] + '"'
            if request.headers.get("If-None-Match") == etag:
                self.answers.append((path, 304))
                return Response(status=304, headers={"ETag": etag})
            self.answers.append((path, 200))
            return Response(data, content_type=content_type, headers={"ETag": etag})

        return app


def streamed(chunk: bytes, count: int | None, pause: float, sent: list[int] | None = None):
    """A handler whose body is `count` chunks (None: without end), `pause` seconds apart; `sent` counts what went out."""
    def body():
        n = 0
        while count is None or n < count:
            yield chunk
            if sent is not None:
                sent.append(len(chunk))
            n += 1
            time.sleep(pause)
    return lambda: Response(body(), content_type="text/html")


def _print_html(number: int, title: str) -> str:
    """A print page as HTML: each block of the template's text a paragraph, headings as headings."""
    text = full_page(title)
    blocks = [b for b in text.split("\n\n") if b.strip()]
    return "<html><body>" + "".join(f"<p>{b.replace(chr(10), '<br>')}</p>" for b in blocks) + "</body></html>"


@contextmanager
def serving(site: MockSite, apart: bool = False):
    """Serve the mock site on a free loopback port in a thread of this process; yields its base URL.

    Garbage of earlier tests is collected first, here: pyoxigraph's query results may only be freed on the thread that
    made them, and a collection that happens to start in the site's thread would free them there.
    `apart`: from a forked process of its own instead (the hostile handlers come along), for a test that measures
    what this process allocates; what the site was asked is then not recorded here."""
    gc.collect()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # its request log is not the test's output
    server = make_server("127.0.0.1", 0, site.app(), threaded=True)
    kind = multiprocessing.get_context("fork").Process if apart else threading.Thread
    runner = kind(target=server.serve_forever, daemon=True)
    runner.start()
    if apart:
        server.socket.close()  # the child listens
    site.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield site.url
    finally:
        runner.terminate() if apart else server.shutdown()
        runner.join(10)
