"""Where the projects are: the places as GeoJSON and the map page, over the store built from data/."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser


class Svg(HTMLParser):
    """The map's dots (circles with the link around them) and the outline's path."""

    def __init__(self, html: str):
        super().__init__()
        self.dots, self.paths, self._href = [], [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self._href = attrs.get("href")
        elif tag == "circle":
            self.dots.append((self._href, float(attrs["r"])))
        elif tag == "path":
            self.paths.append(attrs["d"])


def test_the_places_as_geojson_hold_every_placed_project(client, store):
    answer = client.get("/places.geojson")
    assert answer.status_code == 200 and answer.mimetype == "application/geo+json"
    collection = json.loads(answer.data)
    placed = {r["project"].value for r in store.query("""PREFIX schema: <https://schema.org/>
        PREFIX geo: <http://www.opengis.net/ont/geosparql#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?project WHERE { ?project schema:location/geo:hasGeometry ?g }""")}
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 3
    assert sum(f["properties"]["projects"] for f in collection["features"]) == len(placed) == 3
    for feature in collection["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "Point" and 5.8 < lon < 9.5 and 50.3 < lat < 52.6  # in NRW, longitude first
        assert feature["properties"]["modules"] == [116] and feature["properties"]["geonames"].startswith("https://sws.geonames.org/")
    assert {f["properties"]["name"] for f in collection["features"]} == {"Bocholt", "Leverkusen", "Mülheim an der Ruhr"}


def test_the_map_draws_a_dot_per_place_that_leads_to_its_projects_and_filters(client):
    page = client.get("/karte").data.decode()
    dots = Svg(page).dots
    assert len(dots) == 3 and all(href.startswith("#ort-") for href, _ in dots)
    for href, _ in dots:  # each dot leads to the place's projects and their modules
        section = re.search(rf'<article class="place" id="{href[1:]}">(.*?)</article>', page, re.S).group(1)
        assert "/module/116" in section and "/project/" in section
    assert 'href="/karte"' in client.get("/").data.decode()  # in the menu
    assert len(Svg(client.get("/karte?finanzierung=Stiftungen").data.decode()).dots) == 3
    assert len(Svg(client.get("/karte?modul=999").data.decode()).dots) == 0
    assert "Keine Orte für diese Auswahl" in client.get("/karte?handlungsfeld=%3Cscript%3E").data.decode()


def test_a_resource_page_names_its_outside_links(client):
    place = client.get("/place/bocholt", headers={"Accept": "text/html"}).data.decode()
    assert re.search(r'Auch bei: <a href="https://sws\.geonames\.org/2947421/" rel="external">GeoNames</a>', place)
    funding = client.get("/funding/stiftungen", headers={"Accept": "text/html"}).data.decode()
    assert 'href="http://www.wikidata.org/entity/Q157031" rel="external">Wikidata</a>' in funding
    assert "Auch bei" not in client.get("/module/116", headers={"Accept": "text/html"}).data.decode()


def test_a_named_query_with_places_answers_geojson(client):
    answer = client.get("/api/queries/projects-near", query_string={"town": "Bocholt", "km": 60, "format": "geojson"})
    assert answer.status_code == 200 and answer.mimetype == "application/geo+json"
    features = json.loads(answer.data)["features"]
    assert {f["properties"]["place"] for f in features} == {"Bocholt", "Mülheim an der Ruhr"}
    assert all(f["geometry"]["type"] == "Point" and 5.8 < f["geometry"]["coordinates"][0] < 9.5 for f in features)
    by_accept = client.get("/api/queries/projects-near?town=Bocholt&km=60", headers={"Accept": "application/geo+json"})
    assert json.loads(by_accept.data) == json.loads(answer.data)
