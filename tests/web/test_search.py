"""Full-text search over HTTP: the results page with its facets, /api/search, the module list's q, and qk:search
in SPARQL (the embedded store)."""

from __future__ import annotations

import csv
import io

QUERY = """PREFIX qk: <https://w3id.org/quartiers-kg/ontology#>
SELECT ?m ?score WHERE { ?m a qk:Module BIND (qk:search(?m, "%s") AS ?score) FILTER (BOUND(?score)) }"""


def test_results_page_groups_by_module_with_marked_passages_and_facets(client):
    html = client.get("/search?q=Nachbarn").get_data(as_text=True)
    assert 'data-module="116"' in html and "<mark>Nachbarschaftsnetzwerke</mark>" in html
    assert 'id="facets"' in html and 'href="?q=Nachbarn&amp;funding=kommune"' in html
    narrowed = client.get("/search?q=Nachbarn&funding=kommune").get_data(as_text=True)
    assert 'data-module="116"' in narrowed
    none = client.get("/search?q=Fahrradwerkstatt").get_data(as_text=True)
    assert "Kein Modul enthält alle diese Wörter." in none
    assert 'role="search"' in client.get("/module/116").get_data(as_text=True)  # the box on every page


def test_api_search_json_and_csv(client):
    found = client.get("/api/search", query_string={"q": "Bürger"}).get_json()
    assert found["total"] == 1 and found["results"][0]["number"] == 116 and found["pageSize"] == 20
    assert any("<mark>Bürger</mark>" in p["html"] for p in found["results"][0]["passages"])
    rows = list(csv.DictReader(io.StringIO(client.get("/api/search", query_string={"q": "Bürger"}, headers={"Accept": "text/csv"}).get_data(as_text=True))))
    assert rows[0]["number"] == "116" and float(rows[0]["score"]) > 0
    assert client.get("/api/search", query_string={"q": "Bürger", "page": 2}).get_json()["results"] == []
    bad = client.get("/api/search", headers={"Accept": "application/json"})
    assert bad.status_code == 400 and "'q'" in bad.get_json()["message"]
    assert "/api/search" in client.get("/api/openapi.json").get_json()["paths"]


def test_module_list_filtered_by_a_search(client):
    assert ">1 Modul (gefiltert)<" in client.get("/module/?q=Netzwerk").get_data(as_text=True)
    assert ">0 Module (gefiltert)<" in client.get("/module/?q=Fahrradwerkstatt").get_data(as_text=True)


def test_sparql_function_joins_text_hits_with_the_graph(client):
    r = client.get("/sparql", query_string={"query": QUERY % "Netzwerke", "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert [row["m"] for row in rows] == ["https://w3id.org/quartiers-kg/module/116"] and float(rows[0]["score"]) > 0
    empty = client.get("/sparql", query_string={"query": QUERY % "", "format": "csv"})
    assert empty.status_code == 200 and empty.get_data(as_text=True).strip() == "m,score"  # unbound, not an error
    named = client.get("/api/queries/search?q=Netzwerke&format=json").get_json()["results"]["bindings"]
    assert [b["number"]["value"] for b in named] == ["116"]
