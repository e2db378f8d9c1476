"""Linked-data pages: content negotiation, the description of a resource, HTML that escapes."""

from __future__ import annotations

import json
import re

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDFS, SKOS

from quartiers_kg.web.describe import pick_label

KG = "https://w3id.org/quartiers-kg/"
M = URIRef(KG + "module/116")
SCHEMA = "https://schema.org/"
QK = "https://w3id.org/quartiers-kg/ontology#"


def test_module_turtle_has_title_steps_and_funding(client):
    r = client.get("/module/116", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.mimetype == "text/turtle"
    assert r.headers["Vary"] == "Accept" and r.headers["Content-Location"] == "/module/116.ttl"
    assert '</module/116.jsonld>; rel="alternate"; type="application/ld+json"' in r.headers["Link"]
    g = Graph().parse(data=r.data, format="turtle")
    assert g.value(M, RDFS.label) == Literal("Netzwerkarbeit", lang="de")
    steps = sorted((int(g.value(s, URIRef(SCHEMA + "position"))), str(g.value(s, URIRef(SCHEMA + "text"))))
                   for s in g.objects(M, URIRef(SCHEMA + "step")))
    assert [t for _, t in steps] == ["Art und Zielrichtung klären", "Ermittlung der relevanten Akteure",
                                     "Aufbau- und Arbeitsphase", "Evaluation", "Nachhaltigkeit sichern"]
    funding = {str(g.value(f, SKOS.prefLabel)) for f in g.objects(M, URIRef(QK + "fundingSource"))}
    assert funding == {"Kommune", "Spenden", "Stiftungen", "Vereine"}
    # incoming links are part of the description
    assert (URIRef(KG + "module/116/assessment/zeitaufwand"), URIRef(SCHEMA + "itemReviewed"), M) in g


@pytest.mark.parametrize("suffix, fmt", [(".ttl", "turtle"), (".nt", "nt"), (".jsonld", "json-ld"), (".rdf", "xml")])
def test_format_urls(client, suffix, fmt):
    r = client.get(f"/module/116{suffix}", headers={"Accept": "text/html"})
    assert r.status_code == 200 and "Vary" not in r.headers
    g = Graph().parse(data=r.data, format=fmt)
    assert g.value(M, URIRef(QK + "moduleNumber")) == Literal(116)


def test_shared_resource_has_back_links(client):
    r = client.get("/funding/kommune", headers={"Accept": "application/n-triples"})
    g = Graph().parse(data=r.data, format="nt")
    assert (M, URIRef(QK + "fundingSource"), URIRef(KG + "funding/kommune")) in g
    assert g.value(M, RDFS.label) == Literal("Netzwerkarbeit", lang="de")


def test_browser_gets_html_with_labels_steps_scales_and_jsonld(client):
    r = client.get("/module/116", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.data.decode()
    assert "<h1>Netzwerkarbeit</h1>" in html
    assert re.search(r"<ol><li><a href=\"/module/116/step/1\">Art und Zielrichtung klären</a>", html)
    assert "lässt sich schnell umsetzen" in html and "bedarf längerer Vorbereitung" in html
    assert '<a href="/module/35">Community-Pavillon</a>' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "HowTo" and len(data["step"]) == 5
    assert "/sparql?query=DESCRIBE" in html


def test_unknown_resource_404_and_406(client):
    r = client.get("/module/9999", headers={"Accept": "text/turtle"})
    assert r.status_code == 404 and b"/module/9999" in r.data
    r = client.get("/module/116", headers={"Accept": "image/png"})
    assert r.status_code == 406


def test_head_and_error_forms(client):
    r = client.head("/module/116", headers={"Accept": "text/turtle"})
    assert r.status_code == 200 and r.data == b""
    r = client.get("/module/9999", headers={"Accept": "application/json"})
    assert r.status_code == 404 and json.loads(r.data)["status"] == 404
    r = client.get("/module/9999", headers={"Accept": "text/html"})
    assert r.status_code == 404 and "<h1>404 Nicht gefunden</h1>" in r.get_data(as_text=True)


def test_html_escapes_literals(client):
    r = client.get("/sparql", query_string={"query": 'SELECT ?x { BIND("<script>alert(1)</script>" AS ?x) }'}, headers={"Accept": "text/html"})
    assert b"<script>alert(1)" not in r.data and b"&lt;script&gt;alert(1)" in r.data


def test_home_lists_modules_and_embeds_dataset(client):
    r = client.get("/")
    html = r.data.decode()
    assert '<a href="/module/116">Modul 116: Netzwerkarbeit</a>' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Dataset"


def test_module_list(client):
    r = client.get("/module/")
    assert r.status_code == 200
    assert [m for m in re.findall(r'href="(/module/\d+)"', r.data.decode())] == ["/module/35", "/module/69", "/module/75", "/module/116"]
    r = client.get("/module/", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.data, format="turtle")
    hydra = "http://www.w3.org/ns/hydra/core#"
    assert len(set(g.objects(URIRef(KG + "module/"), URIRef(hydra + "member")))) == 4
    assert g.value(URIRef(KG + "module/"), URIRef(hydra + "totalItems")) == Literal(4)
    assert client.get("/module/?page=2").status_code == 404
    assert client.get("/module/?page=x").status_code == 400


def test_ontology_and_shapes_documents(client):
    r = client.get("/ontology", headers={"Accept": "text/turtle"})
    g = Graph().parse(data=r.data, format="turtle")
    assert g.value(URIRef(QK + "Module"), RDFS.label, any=True) is not None
    html = client.get("/ontology", headers={"Accept": "text/html"}).data.decode()
    assert 'id="Module"' in html and "Modul" in html and "Module" in html
    html = client.get("/shapes", headers={"Accept": "text/html"}).data.decode()
    assert 'id="ModuleShape"' in html


def test_pick_label_falls_back():
    assert pick_label({"en": "Module", "de": "Modul"}, "x") == "Modul"
    assert pick_label({"en": "Module"}, "x") == "Module"
    assert pick_label({}, "https://w3id.org/quartiers-kg/ontology#Step") == "step"
    assert pick_label({}, "http://rdfs.org/ns/void#exampleResource") == "example resource"
