"""Validating group by group, in parallel, finds exactly what validating the whole graph finds."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from rdflib import Literal, Namespace
from rdflib.namespace import SKOS

from benchmarks.generate import main as generate
from quartiers_kg.build import page_files, read_pages
from quartiers_kg.config import ROOT
from quartiers_kg.rdf.mapping import to_partition
from quartiers_kg.rdf.namespaces import QK
from quartiers_kg.validate import check, check_partition, load_shapes

KG = Namespace("https://w3id.org/quartiers-kg/")
SCHEMA = Namespace("https://schema.org/")


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("toolbox")
    generate(40, out)
    batch = read_pages(page_files([out / "modules"]))
    assert not batch.failures and len(batch.pages) == 40
    return to_partition([p.module for p in batch.pages], str(KG), datetime(2026, 1, 1, tzinfo=timezone.utc))


@pytest.fixture(scope="module")
def shapes():
    return load_shapes(ROOT / "shapes")


def test_generated_toolbox_conforms_and_is_big_enough(generated, shapes):
    graph = generated.graph()
    assert len(graph) / 40 > 100
    assert check(graph, shapes) == []
    assert check_partition(generated, shapes, chunk_size=7, processes=2) == []


def test_partitioned_check_equals_whole_check(generated, shapes):
    broken = to_partition([], str(KG), datetime(2026, 1, 1, tzinfo=timezone.utc))
    for owner, triples in generated.groups.items():
        for t in triples:
            if (t[0], t[1]) == (KG["module/3/step/2"], SCHEMA.text) or (t[1] == SKOS.prefLabel and t[0] == KG["funding/kommune"]):
                continue
            broken.add(t)
    broken.add((KG["module/5"], QK.moduleNumber, Literal(55)))
    broken.add((KG["module/9/step/1"], SCHEMA.position, Literal(2)))
    whole = check(broken.graph(), shapes)
    parts = check_partition(broken, shapes, chunk_size=7, processes=2)
    assert {str(v) for v in parts} == {str(v) for v in whole}
    assert any("module/3/step/2" in str(v) for v in whole) and any("funding/kommune" in str(v) for v in whole)
    assert any("module/5>" in str(v) for v in whole) and any("share a position" in str(v) for v in whole)


def test_blank_nodes_in_curated_turtle_are_checked(shapes):
    from rdflib import BNode, RDF
    from rdflib.namespace import FOAF

    partition = to_partition([], str(KG), datetime(2026, 1, 1, tzinfo=timezone.utc))
    agent = BNode()
    partition.add((agent, RDF.type, FOAF.Agent))  # an agent without foaf:name breaks AgentShape
    partition.add((KG["literature/x"], RDF.type, QK.LiteratureItem))
    whole = check(partition.graph(), shapes)
    parts = check_partition(partition, shapes, chunk_size=7, processes=1)
    assert any(v.focus == str(agent) for v in parts) and len(parts) == len(whole) >= 2
