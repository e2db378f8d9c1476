"""Module 116 as RDF: every section becomes what the ontology says, nothing more; the SHACL gate."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from rdflib import RDFS, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, SKOS

from quartiers_kg.config import ROOT
from quartiers_kg.errors import ValidationFailed
from quartiers_kg.rdf.mapping import to_partition
from quartiers_kg.rdf.namespaces import QK
from quartiers_kg.rdf.uris import Minter, slug
from quartiers_kg.source import parse_page, read_page
from quartiers_kg.validate import check, gate_violations, load_shapes

from .conftest import MAPPED_TRIPLES, SEED
from .pages import full_page

BASE = "https://w3id.org/quartiers-kg/"
KG = Namespace(BASE)
SCHEMA = Namespace("https://schema.org/")
WHEN = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)
M = KG["module/116"]


@pytest.fixture(scope="module")
def graph() -> Graph:
    return to_partition([read_page(SEED).module], BASE, WHEN).graph()


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return load_shapes(ROOT / "shapes")


def de(text):
    return Literal(text, lang="de")


def test_triple_count_is_pinned(graph):
    assert len(graph) == MAPPED_TRIPLES


def test_title_number_texts(graph):
    assert graph.value(M, RDFS.label) == de("Netzwerkarbeit")
    assert graph.value(M, QK.moduleNumber) == Literal(116)
    assert str(graph.value(M, QK.objective)).startswith("Netzwerke machen es möglich")
    assert str(graph.value(M, QK.evaluation)).startswith("Sicherlich verursachen Netzwerke")
    assert str(graph.value(M, QK.advice)).startswith("Interessierte sollten")
    assert graph.value(M, QK.implementation).language == "de"


def test_steps_are_ordered(graph):
    steps = sorted((int(graph.value(s, SCHEMA.position)), str(graph.value(s, SCHEMA.text))) for s in graph.objects(M, SCHEMA.step))
    assert steps == [(1, "Art und Zielrichtung klären"), (2, "Ermittlung der relevanten Akteure"),
                     (3, "Aufbau- und Arbeitsphase"), (4, "Evaluation"), (5, "Nachhaltigkeit sichern")]


def test_assessments_have_scales_and_count_but_no_position(graph):
    assessments = list(graph.objects(M, QK.assessment))
    assert len(assessments) == 6
    for a in assessments:
        assert graph.value(a, SCHEMA.ratingCount) == Literal(0)
        assert graph.value(a, SCHEMA.ratingValue) is None
        scale = graph.value(a, QK.dimension)
        low, high = graph.value(scale, QK.lowPole), graph.value(scale, QK.highPole)
        assert graph.value(low, QK.poleRank) == Literal(0) and graph.value(high, QK.poleRank) == Literal(1)
    zeit = KG["scale/zeitaufwand"]
    assert graph.value(graph.value(zeit, QK.highPole), SKOS.prefLabel) == de("bedarf längerer Vorbereitung")
    assert graph.value(graph.value(zeit, QK.lowPole), SKOS.prefLabel) == de("lässt sich schnell umsetzen")


def test_network_types_and_size(graph):
    types = {str(graph.value(t, SKOS.prefLabel)) for t in graph.objects(M, QK.networkType)}
    assert types == {"Gemeinde- und stadtteilorientierte Netzwerke", "Netzwerke professioneller Organisationen",
                     "Projektbezogene Netzwerke / Soziale Netzwerke"}
    items = sorted(graph.objects(M, QK.implementationItem), key=lambda i: int(graph.value(i, SCHEMA.position)))
    assert [graph.value(i, DCTERMS.subject) for i in items] == [
        KG["network-type/gemeinde-und-stadtteilorientierte-netzwerke"], KG["network-type/netzwerke-professioneller-organisationen"],
        KG["network-type/projektbezogene-netzwerke-soziale-netzwerke"]]
    assert str(graph.value(items[1], SCHEMA.text)).startswith("Netzwerke professioneller Organisationen zielen auf eine Angebotsversbesserung")
    size = graph.value(M, QK.idealNetworkSize)
    assert (graph.value(size, SCHEMA.minValue), graph.value(size, SCHEMA.maxValue)) == (Literal(7), Literal(12))


def test_funding_projects_towns(graph):
    assert set(graph.objects(M, QK.fundingSource)) == {KG[f"funding/{k}"] for k in ("kommune", "spenden", "stiftungen", "vereine")}
    assert graph.value(KG["funding/kommune"], SKOS.prefLabel) == de("Kommune")
    towns = {str(graph.value(graph.value(p, SCHEMA.location), RDFS.label)) for p in graph.objects(M, QK.project)}
    assert towns == {"Mülheim an der Ruhr", "Leverkusen", "Bocholt"}


def test_related_modules_with_titles(graph):
    related = {int(graph.value(r, QK.moduleNumber)): str(graph.value(r, RDFS.label)) for r in graph.objects(M, QK.relatedModule)}
    assert related == {35: "Community-Pavillon", 69: "Sensibilisierung von Akteurinnen und Akteuren",
                       75: "Integriertes Handlungskonzept zur Quartiersentwicklung"}


def test_literature_parts_and_links(graph):
    items = {str(graph.value(i, DCTERMS.title)): i for i in graph.objects(M, QK.literature)}
    fey = items["Kontakte knüpfen und beruflich nutzen. Erfolgreiches Netzwerken"]
    assert graph.value(fey, DCTERMS.issued) == Literal("2007", datatype=XSD.gYear)
    assert graph.value(fey, QK.publicationPlace) == de("Regensburg")
    assert str(graph.value(graph.value(fey, DCTERMS.creator), URIRef("http://xmlns.com/foaf/0.1/name"))) == "Fey, G."
    assert len(items) == 2
    links = {str(graph.value(link, RDFS.label)) for link in graph.objects(M, QK.link)}
    assert links == {"Leitfaden Kooperation und Netzwerkarbei",
                     "Schubert, H.; Veil, K. (2013): Beziehungsbrücken zwischen Lebenswelten und Systemwelt im urbanen Sozialraum."}


def test_empty_sections_absent(graph):
    for prop in (QK.userRole, QK.targetGroup, QK.fieldOfAction, QK.userComment, QK.incomplete, QK.extraSection):
        assert graph.value(M, prop) is None


def test_provenance(graph):
    page = URIRef("https://www.aq-nrw.de/assets/default/druck/module/druck_116.html")
    assert graph.value(M, DCTERMS.source) == page and graph.value(M, PROV.wasDerivedFrom) == page
    activity = graph.value(M, PROV.wasGeneratedBy)
    assert graph.value(activity, PROV.endedAtTime).toPython() == WHEN
    assert len(str(graph.value(page, QK.sha256))) == 64


def test_every_literal_from_the_page_is_german(graph):
    for s, p, o in graph:
        if isinstance(o, Literal) and o.datatype is None and str(s).startswith(BASE + "module/116"):
            assert o.language == "de", (s, p, o)


def test_shared_things_get_one_iri_across_modules():
    a = parse_page(full_page(Finanzierung=["Kommune"]), 1).module
    b = parse_page(full_page(Finanzierung=["Kommune"], **{"Weitere Module, die Sie auch interessieren könnten": ["Modul 1: Referenz"]}), 2).module
    g = to_partition([a, b], BASE, WHEN).graph()
    assert len(set(g.subjects(QK.fundingSource, KG["funding/kommune"]))) == 2
    assert g.value(KG["module/1"], RDFS.label) == de("Testmodul für Quartiere")  # the page's title wins
    assert (KG["module/1"], SKOS.altLabel, de("Referenz")) not in g


def test_seed_conforms(graph, shapes):
    assert check(graph, shapes) == []


def test_missing_required_property_fails_with_readable_report(graph, shapes):
    broken = Graph() + graph
    step = KG["module/116/step/3"]
    broken.remove((step, SCHEMA.text, None))
    broken.add((M, QK.moduleNumber, Literal(117)))
    with pytest.raises(ValidationFailed) as err:
        gate_violations(check(broken, shapes))
    report = err.value.report
    assert err.value.violations == 2
    assert "module/116/step/3" in report and "schema:text" in report
    assert "module/116" in report and "qk:moduleNumber" in report


def test_slug_is_stable_and_distinct():
    assert slug("Kommune") == slug(" kommune ") == "kommune"
    long_a, long_b = "x " * 40 + "a", "x " * 40 + "b"
    assert slug(long_a) != slug(long_b) and len(slug(long_a)) <= 70


def test_minter_round_trips_paths():
    mint = Minter(BASE)
    iri = mint.part(116, "step", 2)
    assert mint.path_of(str(iri)) == "/module/116/step/2" and mint.iri("module/116/step/2") == iri
