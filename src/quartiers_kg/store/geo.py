"""GeoSPARQL's geof:distance as a SPARQL function of the embedded store: "projects within 20 km of Bochum" is one
query. Points only (the graph's geometries are GeoNames' points); the distance is on a sphere of the Earth's mean
radius, which is within half a percent of the ellipsoid's over the distances of one state."""

from __future__ import annotations

import math
import re

import pyoxigraph as ox

GEOF_DISTANCE = "http://www.opengis.net/def/function/geosparql/distance"
WKT = "http://www.opengis.net/ont/geosparql#wktLiteral"
DOUBLE = "http://www.w3.org/2001/XMLSchema#double"
UOM = "http://www.opengis.net/def/uom/OGC/1.0/"
METRES = {UOM + "metre": 1.0, UOM + "meter": 1.0, UOM + "kilometre": 1000.0, UOM + "kilometer": 1000.0}
EARTH_RADIUS = 6_371_008.8  # metres, the mean radius (IUGG)
_POINT = re.compile(r"^\s*(?:<[^>]*>\s*)?POINT\s*\(\s*(-?[\d.]+(?:[eE][-+]?\d+)?)\s+(-?[\d.]+(?:[eE][-+]?\d+)?)\s*\)\s*$", re.I)


def point(wkt: str) -> tuple[float, float] | None:
    """(longitude, latitude) of a WKT point, as GeoSPARQL's default CRS (CRS84) orders them.

    >>> point("POINT(7.2162 51.4818)"), point("LINESTRING(0 0, 1 1)")
    ((7.2162, 51.4818), None)
    """
    m = _POINT.match(wkt)
    return (float(m.group(1)), float(m.group(2))) if m else None


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance of two (longitude, latitude) points, in metres (haversine).

    >>> round(metres_between((7.2162, 51.4818), (6.6158, 51.8383)) / 1000, 1)  # Bochum to Bocholt
    57.3
    """
    (lon1, lat1), (lon2, lat2) = [(math.radians(x), math.radians(y)) for x, y in (a, b)]
    h = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS * math.asin(math.sqrt(h))


def distance(first, second, units=None):
    """geof:distance(geometry, geometry, units): a double in the units asked for (uom:metre by default,
    uom:kilometre too); unbound, as SPARQL makes of an error, for anything but two WKT points and known units."""
    if not isinstance(first, ox.Literal) or not isinstance(second, ox.Literal) or not isinstance(units, (ox.NamedNode, type(None))):
        return None
    a, b = point(first.value), point(second.value)
    scale = METRES.get(units.value if units is not None else UOM + "metre")
    if a is None or b is None or scale is None:
        return None
    return ox.Literal(repr(metres_between(a, b) / scale), datatype=ox.NamedNode(DOUBLE))


FUNCTIONS = {ox.NamedNode(GEOF_DISTANCE): distance}
