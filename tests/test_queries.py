"""Named queries: each .rq runs against the real store with the right answer, and as a Web API."""

from __future__ import annotations

import csv
import io
import json

import pytest

from quartiers_kg.config import ROOT
from quartiers_kg.errors import QueryRejected
from quartiers_kg.queries import Parameter, load_queries, typed_value

QUERIES = load_queries(ROOT / "queries")


def run(store, name, **params):
    q = QUERIES[name]
    subs = {p.name: typed_value(p, params[p.name]) for p in q.parameters if p.name in params}
    result = store.query(q.text, substitutions=subs)
    names = [v.value for v in result.variables]
    return [{k: (row[k].value if row[k] is not None else None) for k in names} for row in result]


def test_every_query_has_title_description_and_examples():
    assert len(QUERIES) >= 5
    for q in QUERIES.values():
        assert q.title and q.description
        for p in q.parameters:
            typed_value(p, p.example)


def test_module_assessments(store):
    rows = run(store, "module-assessments", number="116")
    assert len(rows) == 6 and {r["ratingCount"] for r in rows} == {"0"} and all(r["position"] is None for r in rows)
    assert {"dimension": "Zeitaufwand", "low": "lässt sich schnell umsetzen", "high": "bedarf längerer Vorbereitung"}.items() <= \
        next(r for r in rows if r["dimension"] == "Zeitaufwand").items()


def test_modules_by_funding(store):
    rows = run(store, "modules-by-funding", funding="Stiftungen")
    assert [(r["funding"], r["number"]) for r in rows] == [("Stiftungen", "116")]
    assert len(run(store, "modules-by-funding")) == 4


def test_related_modules(store):
    rows = run(store, "related-modules", number="116")
    assert [(r["direction"], r["relatedNumber"], r["relatedTitle"]) for r in rows] == [
        ("outgoing", "35", "Community-Pavillon"), ("outgoing", "69", "Sensibilisierung von Akteurinnen und Akteuren"),
        ("outgoing", "75", "Integriertes Handlungskonzept zur Quartiersentwicklung")]
    assert [r["relatedNumber"] for r in run(store, "related-modules", number="35")] == ["116"]


def test_projects_by_town(store):
    assert [r["projectName"] for r in run(store, "projects-by-town", town="Bocholt")] == ["Bocholter Bürgergenossenschaft eG"]
    assert len(run(store, "projects-by-town")) == 3


def test_literature_by_year(store):
    rows = run(store, "literature-by-year")
    assert [(r["year"], r["authors"], r["place"]) for r in rows] == [("2013", "Kuratorium Deutsche Altershilfe", "Köln"), ("2007", "Fey, G.", "Regensburg")]
    assert [r["year"] for r in run(store, "literature-by-year", year="2007")] == ["2007"]


def test_module_steps_and_funding_overview(store):
    assert [r["position"] for r in run(store, "module-steps", number="116")] == ["1", "2", "3", "4", "5"]
    assert {r["label"]: r["modules"] for r in run(store, "funding-overview")} == {"Kommune": "1", "Spenden": "1", "Stiftungen": "1", "Vereine": "1"}


@pytest.mark.parametrize("kind, raw", [("integer", "11x"), ("year", "20"), ("iri", "javascript:alert(1)")])
def test_ill_typed_values_are_rejected(kind, raw):
    with pytest.raises(QueryRejected) as err:
        typed_value(Parameter("p", kind, "1", ""), raw)
    assert err.value.parameter == "p"


def test_api_lists_and_runs_queries(client):
    listing = json.loads(client.get("/api/queries").data)["queries"]
    assert {q["name"] for q in listing} == set(QUERIES)
    r = client.get("/api/queries/module-steps", query_string={"number": "116"}, headers={"Accept": "text/csv"})
    assert [row["text"] for row in csv.DictReader(io.StringIO(r.data.decode()))][-1] == "Nachhaltigkeit sichern"


def test_api_rejects_bad_parameters(client):
    r = client.get("/api/queries/module-steps", query_string={"number": "1; DROP"})
    assert r.status_code == 400 and b"'number'" in r.data
    r = client.get("/api/queries/module-steps", query_string={"nummer": "1"})
    assert r.status_code == 400 and b"'nummer'" in r.data
    assert client.get("/api/queries/nope").status_code == 404


def test_openapi_document_is_valid(client):
    from openapi_spec_validator import validate

    doc = json.loads(client.get("/api/openapi.json").data)
    validate(doc)
    assert "/api/queries/module-steps" in doc["paths"]
