"""Facets on the module list: the counts are what SPARQL counts, the views and downloads show the same modules."""

from __future__ import annotations

import csv
import io
import re

import pytest
from rdflib import Graph, URIRef

from benchmarks.generate import main as generate
from quartiers_kg.build import build
from quartiers_kg.config import Settings
from quartiers_kg.web import create_app
from ..conftest import served_client

QK = "https://w3id.org/quartiers-kg/ontology#"
KG = "https://w3id.org/quartiers-kg/"


@pytest.fixture(scope="module")
def toolbox(tmp_path_factory):
    root = tmp_path_factory.mktemp("facets")
    generate(40, root)
    settings = Settings.from_env({}, source_dir=root, store_dir=root / "store", build_processes=1)
    build(settings)
    app = create_app(settings)
    return served_client(app), app


def sparql_count(client, where: str) -> dict[str, int]:
    query = f"SELECT ?v (COUNT(DISTINCT ?m) AS ?n) WHERE {{ ?m a <{QK}Module> . {where} }} GROUP BY ?v"
    r = client.get("/sparql", query_string={"query": query, "format": "csv"})
    return {row["v"].rsplit("/", 1)[-1]: int(row["n"]) for row in csv.DictReader(io.StringIO(r.data.decode()))}


def facet_counts(html: str, facet: str) -> dict[str, int]:
    section = re.search(rf'data-facet="{facet}">(.*?)</section>', html, re.S).group(1)
    found = re.findall(r'href="\?[^"]*?{0}=([^"&]*)[^"]*"[^>]*>[^<]*</a> <span class="count">(\d+)</span>'.format(facet), section)
    return {slugs.split("%2C")[-1]: int(n) for slugs, n in found}


def listed(html: str) -> list[str]:
    return re.findall(r'</label> <a href="/module/(\d+)">', html)  # each with its box to pick it for comparing


def test_facet_counts_equal_sparql(toolbox):
    client, _ = toolbox
    html = client.get("/module/").data.decode()
    assert facet_counts(html, "funding") == sparql_count(client, f"?m <{QK}fundingSource> ?v")
    chosen = max(sparql_count(client, f"?m <{QK}fundingSource> ?v").items(), key=lambda kv: kv[1])[0]
    html = client.get(f"/module/?funding={chosen}").data.decode()
    towns = sparql_count(client, f"?m <{QK}fundingSource> <{KG}funding/{chosen}> ; <{QK}project>/<https://schema.org/location> ?v")
    shown = facet_counts(html, "town")
    assert set(shown.items()) <= set(towns.items()) and len(shown) == min(50, len(towns))
    expected = sparql_count(client, f"?m <{QK}fundingSource> <{KG}funding/{chosen}> . BIND (<{KG}x> AS ?v)")["x"]
    assert len(listed(html)) == expected and re.search(f">{expected} (Modul|Module)\\b", html)


def test_downloads_show_exactly_the_view(toolbox):
    client, _ = toolbox
    counts = sparql_count(client, f"?m <{QK}fieldOfAction> ?v")
    field = next(iter(counts))
    view = listed(client.get(f"/module/?field_of_action={field}").data.decode())
    rows = list(csv.DictReader(io.StringIO(client.get(f"/module/?field_of_action={field}&format=csv").data.decode())))
    assert sorted(view, key=int) == [r["n"] for r in rows] and len(rows) == counts[field]
    ttl = client.get(f"/module/?field_of_action={field}&format=ttl")
    graph = Graph().parse(data=ttl.data, format="turtle")
    members = {str(o).rsplit("/", 1)[-1] for o in graph.objects(URIRef(KG + "module/"), URIRef("http://www.w3.org/ns/hydra/core#member"))}
    assert ttl.mimetype == "text/turtle" and members == {r["n"] for r in rows}


def test_year_range_and_rating(toolbox):
    client, _ = toolbox
    html = client.get("/module/?year_from=2000&year_to=2005").data.decode()
    query = (f"SELECT DISTINCT ?n WHERE {{ ?m <{QK}moduleNumber> ?n ; <{QK}literature>/<http://purl.org/dc/terms/issued> ?y "
             f"FILTER (xsd:integer(STR(?y)) >= 2000 && xsd:integer(STR(?y)) <= 2005) }}")
    r = client.get("/sparql", query_string={"query": "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> " + query, "format": "csv"})
    expected = sorted(row["n"] for row in csv.DictReader(io.StringIO(r.data.decode())))
    assert sorted(listed(html)) == expected
    assert client.get("/module/?rating_count=x").status_code == 400
