"""The lean SPARQL path answers the protocol's machine requests without Flask, byte for byte as Flask answers them,
and leaves every page, HTML answer and HTML error to Flask."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import pytest
from a2wsgi import ASGIMiddleware
from werkzeug.test import Client, TestResponse

from quartiers_kg.web import create_app
from quartiers_kg.web.lean import LeanPath

SELECT = "SELECT ?m ?n WHERE { ?m a <https://w3id.org/quartiers-kg/ontology#Module> ; <https://w3id.org/quartiers-kg/ontology#moduleNumber> ?n } ORDER BY ?n"
CONSTRUCT = "CONSTRUCT { ?m ?p ?o } WHERE { ?m a <https://w3id.org/quartiers-kg/ontology#Module> ; ?p ?o } ORDER BY ?m ?p ?o LIMIT 5"
ASK = "ASK { ?s ?p ?o }"
FORM = "application/x-www-form-urlencoded"


FLASK = 299  # what the stand-in for Flask answers


def lean_only(app) -> Client:
    """The lean path with a stand-in for Flask behind it, which answers FLASK with the request body it got."""
    async def stand_in(scope, receive, send):
        body = (await receive()).get("body", b"")
        await send({"type": "http.response.start", "status": FLASK, "headers": []})
        await send({"type": "http.response.body", "body": body})
    return Client(ASGIMiddleware(LeanPath(app, stand_in)), TestResponse)


def same(lean, flask) -> None:
    assert lean.status_code == flask.status_code, lean.get_data(as_text=True)
    assert lean.get_data() == flask.get_data()
    skip = {"date", "content-length"}
    assert {k.lower(): v for k, v in lean.headers.items() if k.lower() not in skip} == \
           {k.lower(): v for k, v in flask.headers.items() if k.lower() not in skip}


REQUESTS = [
    ("GET", {"query": SELECT}, {"Accept": "application/sparql-results+json"}, None),
    ("GET", {"query": SELECT}, {"Accept": "text/csv"}, None),
    ("GET", {"query": SELECT, "format": "xml"}, {}, None),
    ("GET", {"query": SELECT}, {"Accept": "text/tab-separated-values"}, None),
    ("GET", {"query": ASK}, {"Accept": "*/*"}, None),
    ("GET", {"query": ASK, "output": "xml"}, {}, None),
    ("GET", {"query": CONSTRUCT}, {"Accept": "text/turtle"}, None),
    ("GET", {"query": CONSTRUCT}, {"Accept": "application/ld+json"}, None),
    ("GET", {"query": "DESCRIBE <https://w3id.org/quartiers-kg/module/116>"}, {"Accept": "application/n-triples"}, None),
    ("GET", {"query": SELECT, "default-graph-uri": "https://w3id.org/quartiers-kg/graph/data"}, {}, None),
    ("POST", {}, {"Content-Type": "application/sparql-query", "Accept": "text/csv"}, SELECT),
    ("POST", {}, {"Content-Type": FORM}, "query=ASK%7B%7D"),
    # errors, in the forms machines get
    ("GET", {"query": "SELECT * WHERE {"}, {}, None),
    ("GET", {"query": "SELECT * WHERE {"}, {"Accept": "application/json"}, None),
    ("GET", {"query": [ASK, ASK]}, {}, None),
    ("GET", {"query": "SELECT * { SERVICE <http://x/> { ?s ?p ?o } }"}, {}, None),
    ("GET", {"query": ASK}, {"Accept": "image/png"}, None),
    ("GET", {"format": "json"}, {}, None),
    ("POST", {}, {"Content-Type": "text/plain"}, ASK),
    ("POST", {}, {"Content-Type": "application/sparql-update"}, "DROP ALL"),
    ("POST", {}, {"Content-Type": FORM + "; charset=latin-1"}, "query=ASK%7B%7D"),
    ("GET", {"query": ASK, "default-graph-uri": "not an iri"}, {}, None),
    ("GET", {"query": "SELECT * { ?s ?p ?o " + "FILTER(true) " * 20 + "}"}, {}, None),
]


@pytest.mark.parametrize("method,args,headers,body", REQUESTS)
def test_lean_answers_as_flask_does(app, method, args, headers, body):
    lean = lean_only(app).open("/sparql", method=method, query_string=args, headers=headers, data=body)
    flask = app.test_client().open("/sparql", method=method, query_string=args, headers=headers, data=body)
    same(lean, flask)


def test_a_cut_answer_says_so_on_both_paths(settings):
    capped = create_app(settings.with_(max_rows=2))
    lean = lean_only(capped).get("/sparql", query_string={"query": SELECT}, headers={"Accept": "text/csv"})
    same(lean, capped.test_client().get("/sparql", query_string={"query": SELECT}, headers={"Accept": "text/csv"}))
    assert lean.headers["X-Result-Truncated"] == "true" and lean.headers["X-Result-Limit"] == "2"
    assert len(lean.get_data(as_text=True).strip().splitlines()) == 3  # the header and two rows


@pytest.mark.parametrize("path", ["/api/queries/module-steps?number=116", "/api/queries/module-steps?number=116&format=csv",
                                  "/api/queries/module-steps?number=abc", "/api/queries/module-steps?nummer=1",
                                  "/api/queries/module-steps?number=1&number=2", "/api/queries/modules-by-funding"])
def test_named_queries_answer_as_flask_does(app, path):
    same(lean_only(app).get(path, headers={"Accept": "application/sparql-results+json"}),
         app.test_client().get(path, headers={"Accept": "application/sparql-results+json"}))


def test_conditional_requests_on_the_lean_path(app):
    client = lean_only(app)
    first = client.get("/sparql", query_string={"query": ASK})
    etag = first.headers["ETag"]
    again = client.get("/sparql", query_string={"query": ASK}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    assert "Content-Type" not in again.headers
    flask = app.test_client().get("/sparql", query_string={"query": ASK}, headers={"If-None-Match": etag})
    same(again, flask)
    other = client.get("/sparql", query_string={"query": ASK}, headers={"If-None-Match": '"another"'})
    assert other.status_code == 200 and json.loads(other.get_data())["boolean"] is True


@pytest.mark.parametrize("path,args,headers", [
    ("/sparql", {"query": ASK}, {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}),  # a browser: the query page
    ("/sparql", {"query": ASK, "format": "html"}, {}),
    ("/sparql", {}, {"Accept": "text/turtle"}),  # the Service Description
    ("/api/queries/module-steps", {"number": "116", "format": "geojson"}, {}),
    ("/api/queries/module-steps", {"number": "116"}, {"Accept": "text/html"}),
    ("/api/queries/no-such-query", {}, {}),
    ("/module/116", {}, {"Accept": "text/turtle"}),
])
def test_pages_and_html_are_left_to_flask(app, path, args, headers):
    assert lean_only(app).get(path, query_string=args, headers=headers).status_code == FLASK


def test_head_and_options_are_left_to_flask(app):
    for method in ("HEAD", "OPTIONS"):
        assert lean_only(app).open("/sparql", method=method, query_string={"query": ASK}).status_code == FLASK
    assert lean_only(app).get("/sparql", query_string={"query": ASK}).status_code == 200  # the same GET it answers


def test_a_post_left_to_flask_keeps_its_body(app, client):
    """format=html in a form body is only seen once the body is read; Flask still gets the whole body."""
    form = {"query": ASK, "format": "html"}
    handed_on = lean_only(app).post("/sparql", data=form)
    assert handed_on.status_code == FLASK and dict(parse_qsl(handed_on.get_data(as_text=True))) == form
    page = client.post("/sparql", data=form)
    assert page.status_code == 200 and page.mimetype == "text/html" and "ASK { ?s ?p ?o }" in page.get_data(as_text=True)
