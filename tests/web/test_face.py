"""What a person and a harvester meet first: the API's pages and OpenAPI document, the comparison, the print view,
the home page's licence and dumps, German lists and error pages."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from rdflib import Graph

from quartiers_kg.cli import main
from quartiers_kg.queries import projected

HTML = {"Accept": "text/html"}


def test_openapi_offers_solutions_formats_and_describes_the_json(client, app):
    doc = client.get("/api/openapi.json").get_json()
    op = doc["paths"]["/api/queries/module-steps"]["get"]
    assert op["summary"] == "Umsetzungsschritte eines Moduls"
    content = op["responses"]["200"]["content"]
    assert set(content) == {"application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                            "text/tab-separated-values"}
    schema = content["application/sparql-results+json"]["schema"]
    assert schema["properties"]["head"]["properties"]["vars"]["items"]["enum"] == ["number", "position", "text", "step"]
    binding = schema["properties"]["results"]["properties"]["bindings"]["items"]["properties"]
    assert set(binding) == {"number", "position", "text", "step"}
    assert doc["components"]["schemas"]["RDFTerm"]["properties"]["type"]["enum"] == ["uri", "literal", "bnode", "triple"]
    answer = client.get("/api/queries/module-steps?number=116&format=json").get_json()
    assert answer["head"]["vars"] == schema["properties"]["head"]["properties"]["vars"]["items"]["enum"]  # the schema is true


def test_projected_variables():
    assert projected("SELECT DISTINCT ?a (GROUP_CONCAT(DISTINCT ?l; separator=\", \") AS ?b) WHERE { ?a ?p ?l }") == ["a", "b"]
    assert projected("# SELECT ?not\nSELECT * WHERE { ?s ?p ?o }") == []


def test_named_query_page_has_fields_choices_and_downloads(client):
    page = client.get("/api/queries/module-steps", headers=HTML)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "<h1>Umsetzungsschritte eines Moduls</h1>" in html
    options = re.findall(r'<option value="(\d+)"', html)
    assert options == ["35", "69", "75", "116"]  # the module numbers the data has, as choices
    assert 'class="results"' not in html  # nothing run before the form is sent
    ran = client.get("/api/queries/module-steps?number=116", headers=HTML).get_data(as_text=True)
    assert ran.count("<tr>") == 1 + 5 and '<option value="116" selected>' in ran
    assert 'href="?number=116&amp;format=csv"' in ran
    everything = client.get("/api/queries/module-steps?number=", headers={"Accept": "text/csv"})
    assert len(list(csv.DictReader(io.StringIO(everything.get_data(as_text=True))))) == 5  # an empty field binds nothing


def test_api_page_lists_the_queries(client, app):
    html = client.get("/api").get_data(as_text=True)
    assert html.count('href="/api/queries/') == len(app.config["QUERIES"]) and "OpenAPI" in html


def test_compare_two_modules_and_download(client):
    html = client.get("/compare?modules=116,35").get_data(as_text=True)
    assert 'data-module="116"' in html and 'data-module="35"' in html and "Community-Pavillon" in html
    assert html.count('class="scale-row"') == 6
    rows = list(csv.DictReader(io.StringIO(client.get("/compare?modules=116&modules=35&format=csv").get_data(as_text=True))))
    assert {r["aspect"] for r in rows} >= {"funding", "project", "literature"} and {r["number"] for r in rows} == {"116"}
    same = client.get("/compare?modules=116,116,35&format=json").get_json()
    assert len(same["results"]["bindings"]) == len(rows)  # a number given twice counts once


@pytest.mark.parametrize("query, status, text", [
    ("modules=116", 400, "zwei bis vier"), ("modules=1,2,3,4,5", 400, "zwei bis vier"), ("modules=116,x", 400, "'x'"),
    ("", 400, "modules"), ("modules=116,9999", 404, "9999")])
def test_compare_refuses_with_the_reason(client, query, status, text):
    r = client.get("/compare?" + query, headers={"Accept": "text/plain"})
    assert r.status_code == status and text in r.get_data(as_text=True)


def test_print_view_is_what_render_writes(client, runner, settings):
    rendered = runner.invoke(main, ["--store-dir", str(settings.store_dir), "render", "116"]).output
    assert client.get("/module/116/print.txt").get_data(as_text=True) == rendered
    html = client.get("/module/116/print").get_data(as_text=True)
    assert "druck_116.html" in html and "Druckansicht Modul 116" in html
    not_read = client.get("/module/35/print").get_data(as_text=True)
    assert 'id="not-read"' in not_read and "druck_35.html" in not_read
    assert client.get("/module/35/print.txt").status_code == 404
    assert client.get("/module/4242/print").status_code == 404


def test_relations_from_the_build_match_the_query(client):
    built = client.get("/api/relations?format=json").get_json()["results"]["bindings"]
    per_module = [b for n in ("116", "35", "69", "75")
                  for b in client.get(f"/api/relations?module={n}&format=json").get_json()["results"]["bindings"]]
    key = lambda b: (b["number"]["value"], b["otherNumber"]["value"], b["kind"]["value"], b["weight"]["value"])  # noqa: E731
    assert sorted(map(key, built)) == sorted(map(key, per_module)) and len(built) == 6
    assert client.get("/api/relations?kind=funding&format=json").get_json()["results"]["bindings"] == []


def test_home_page_names_licence_publisher_and_dumps(client, settings):
    html = client.get("/").get_data(as_text=True)
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Dataset" and data["license"] == settings.license
    assert data["publisher"]["name"] == settings.publisher_name
    assert {d["contentUrl"].rsplit("/", 1)[-1] for d in data["distribution"]} >= {"quartiers-kg.ttl", "quartiers-kg.nt.gz"}
    assert 'rel="license"' in html and 'href="/dcat"' in html and "quartiers-kg.nt.gz" in html


@pytest.mark.parametrize("path", ["/", "/dcat"])
def test_description_turtle_uses_conventional_prefixes(client, path):
    text = client.get(path, headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert not re.search(r"\bns\d+:", text) and "@prefix dcat:" in text and "@prefix void:" in text
    assert len(Graph().parse(data=text, format="turtle")) > 20


def test_favicon(client):
    r = client.get("/favicon.ico")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml" and b"<svg" in r.data


def test_lists_speak_german(client):
    html = client.get("/module/").get_data(as_text=True)
    assert "<h1>Module</h1>" in html and ">4 Module<" in html and "Ressourcen" not in html
    one = client.get("/module/?funding=kommune").get_data(as_text=True)
    assert "1 Modul (gefiltert)" in one and 'id="clear-facets" href="?"' in one
    funding = client.get("/funding/kommune").get_data(as_text=True)
    assert 'href="/module/?funding=kommune"' in funding


def test_error_page_in_german(client):
    html = client.get("/nothing-here", headers=HTML).get_data(as_text=True)
    assert "<h1>404 Nicht gefunden</h1>" in html and "Traceback" not in html


def test_module_page_reads_well(client):
    html = client.get("/module/116").get_data(as_text=True)
    assert '<p class="kicker">Modul 116</p>' in html and html.count("Netzwerkarbeit</h1>") == 1
    scales = re.findall(r'<div class="scale"><h3><a [^>]*>([^<]+)</a></h3>\s*<p class="poles">', html)
    assert len(scales) == 6 and 'class="bar"' not in html  # name first, then the poles; nothing that looks like a position
    assert ">Turtle</a>" in html and ">text/turtle</a>" not in html
    assert 'href="/module/116/print"' in html and 'action="/compare"' in html


def test_labels_are_words_not_iri_fragments(client):
    assessment = client.get("/module/116/assessment/zeitaufwand").get_data(as_text=True)
    assert "<h1>Zeitaufwand (Einschätzung zu Modul 116)</h1>" in assessment
    module = client.get("/module/116").get_data(as_text=True)
    assert "(Beispielressource)" in module and "exampleResource" not in module
    assert "<th>siehe auch</th>" in client.get("/module/35").get_data(as_text=True)
