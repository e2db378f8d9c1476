"""GeoJSON (RFC 7946) from SPARQL solutions: a Feature per row that holds a WKT point, its other columns the
Feature's properties. For QGIS and the like, beside the SPARQL result formats."""

from __future__ import annotations

import json

from flask import Response

from ..store.geo import WKT, point

MEDIA_TYPE = "application/geo+json"


def wanted(params: dict, accept: str | None) -> bool:
    """Whether a request asks for GeoJSON: format=geojson, or an Accept header that names it first."""
    if params.get("format"):
        return params["format"][-1] == "geojson"
    return bool(accept) and accept.split(",")[0].split(";")[0].strip() == MEDIA_TYPE


def collection(variables, rows) -> dict:
    """A FeatureCollection of the rows with a WKT point (longitude first, as WKT and GeoJSON both have it)."""
    names = [v.value for v in variables]
    features = []
    for row in rows:
        cells = dict(zip(names, row))
        geometry = next((name for name, term in cells.items()
                         if term is not None and getattr(getattr(term, "datatype", None), "value", None) == WKT), None)
        lon_lat = point(cells[geometry].value) if geometry else None
        if lon_lat is None:
            continue
        properties = {name: term.value for name, term in cells.items() if name != geometry and term is not None}
        features.append({"type": "Feature", "geometry": {"type": "Point", "coordinates": list(lon_lat)},
                         "properties": properties})
    return {"type": "FeatureCollection", "features": features}


def response(data: dict) -> Response:
    return Response(json.dumps(data, ensure_ascii=False), content_type=MEDIA_TYPE)
