"""Properties that hold for any input: IRIs round-trip, any Accept header gets an answer, never a 500."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from quartiers_kg.errors import NotAcceptable
from quartiers_kg.rdf.uris import Minter, slug
from quartiers_kg.web.negotiation import choose
from .conftest import served_client

BASE = "https://w3id.org/quartiers-kg/"


@given(st.text(max_size=200))
def test_slugs_are_safe_path_segments(text):
    key = slug(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*|x", key) and len(key) <= 70
    mint = Minter(BASE)
    iri = mint.keyed("funding", text)
    assert mint.iri(mint.path_of(str(iri)).lstrip("/")) == iri


@given(st.text(max_size=300))
def test_negotiation_answers_or_refuses(accept):
    offered = ["text/html", "text/turtle", "application/ld+json"]
    try:
        assert choose(accept, offered) in offered
    except NotAcceptable as err:
        assert "available" in str(err)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=32, max_codepoint=126), max_size=200))
def test_any_accept_header_gets_an_answer_never_a_500(app, accept):
    client = served_client(app)
    for path in ("/module/116", "/sparql?query=ASK%7B%7D", "/", "/api/queries"):
        r = client.get(path, headers={"Accept": accept})
        assert r.status_code in (200, 406), (path, accept, r.status_code)
