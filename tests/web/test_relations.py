"""How modules relate, as data: the named query and /api/relations with its filters."""

from __future__ import annotations

import csv
import io
import json

from SPARQLWrapper import JSON, SPARQLWrapper
from ..conftest import served_client


def rows(response):
    return list(csv.DictReader(io.StringIO(response.data.decode())))


def test_references_of_116_with_their_reason(client):
    r = client.get("/api/relations", query_string={"module": "116", "format": "csv"})
    assert r.status_code == 200 and r.mimetype == "text/csv"
    got = {(row["otherNumber"], row["kind"], row["via"]) for row in rows(r)}
    assert got == {("35", "reference-outgoing", "Community-Pavillon"),
                   ("69", "reference-outgoing", "Sensibilisierung von Akteurinnen und Akteuren"),
                   ("75", "reference-outgoing", "Integriertes Handlungskonzept zur Quartiersentwicklung")}
    back = rows(client.get("/api/relations", query_string={"module": "35", "format": "csv"}))
    assert [(row["otherNumber"], row["kind"]) for row in back] == [("116", "reference-incoming")]


def test_filters(client):
    assert rows(client.get("/api/relations", query_string={"module": "116", "kind": "funding", "format": "csv"})) == []
    everything = json.loads(client.get("/api/relations", headers={"Accept": "application/sparql-results+json"}).data)
    assert len(everything["results"]["bindings"]) == 6  # three references, each seen from both ends
    heavy = rows(client.get("/api/relations", query_string={"min_weight": "2", "format": "csv"}))
    assert heavy == []
    for bad, name in (({"kind": "colour"}, b"'kind'"), ({"min_weight": "0"}, b"'min_weight'"), ({"module": "x"}, b"'module'"),
                      ({"modul": "1"}, b"'modul'")):
        r = client.get("/api/relations", query_string=bad)
        assert r.status_code == 400 and name in r.data


def test_pandas(server):
    """What the README shows: a named query's CSV into a DataFrame, and a SPARQLWrapper answer into one."""
    import pandas as pd

    steps = pd.read_csv(server + "/api/queries/module-steps?number=116&format=csv")
    assert steps["position"].tolist() == [1, 2, 3, 4, 5] and steps["text"].iloc[-1] == "Nachhaltigkeit sichern"
    relations = pd.read_csv(server + "/api/relations?module=116&format=csv")
    assert sorted(relations["otherNumber"]) == [35, 69, 75]
    wrapper = SPARQLWrapper(server + "/sparql")
    wrapper.setQuery("SELECT ?n ?title WHERE { ?m <https://w3id.org/quartiers-kg/ontology#moduleNumber> ?n "
                     "OPTIONAL { ?m <http://www.w3.org/2000/01/rdf-schema#label> ?title } } ORDER BY ?n")
    wrapper.setReturnFormat(JSON)
    bindings = wrapper.query().convert()["results"]["bindings"]
    frame = pd.DataFrame([{k: v["value"] for k, v in b.items()} for b in bindings])
    assert frame["n"].astype(int).tolist() == [35, 69, 75, 116] and frame.loc[3, "title"] == "Netzwerkarbeit"


def test_filters_apply_before_the_row_cap(settings):
    """Six relations in all; sorted by module number the three incoming ones come first. With a cap of three, the
    three outgoing ones must all be there and nothing said to be cut (filtering after the cap would find none)."""
    from quartiers_kg.web import create_app

    capped = served_client(create_app(settings.with_(max_rows=3, cache_bytes=0)))
    r = capped.get("/api/relations", query_string={"kind": "reference-outgoing", "format": "csv"})
    assert r.status_code == 200 and "X-Result-Truncated" not in r.headers
    assert sorted(row["otherNumber"] for row in rows(r)) == ["35", "69", "75"]
    everything = capped.get("/api/relations", query_string={"format": "csv"})
    assert everything.headers["X-Result-Truncated"] == "true" and len(rows(everything)) == 3
