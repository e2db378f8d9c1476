"""Build and store: a real on-disk Oxigraph store, swapped in only when valid."""

from __future__ import annotations

import shutil

import pytest

from quartiers_kg.build import build
from quartiers_kg.config import ROOT, Settings
from quartiers_kg.errors import StoreError, ValidationFailed
from quartiers_kg.store import GraphStore, has_store

from .conftest import DATA_TRIPLES


def test_store_holds_four_named_graphs(store, settings):
    names = {g.rsplit("/", 1)[-1]: n for g, n in store.info.graphs.items()}
    assert set(names) == {"data", "ontology", "shapes", "meta"} and names["data"] == DATA_TRIPLES
    count = next(iter(store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")))["n"].value
    assert int(count) == store.info.triples


def test_union_default_graph_and_explicit_dataset(store):
    data = [g for g in store.graph_names if g.endswith("/data")]
    title = "SELECT ?t { <https://w3id.org/quartiers-kg/module/116> <http://www.w3.org/2000/01/rdf-schema#label> ?t }"
    assert [r["t"].value for r in store.query(title)] == ["Netzwerkarbeit"]
    assert [r["t"].value for r in store.query(title, default_graphs=data, named_graphs=[])] == ["Netzwerkarbeit"]
    ontology = [g for g in store.graph_names if g.endswith("/ontology")]
    assert list(store.query(title, default_graphs=ontology, named_graphs=[])) == []


def _copy_project(tmp_path):
    src = tmp_path / "data"
    shutil.copytree(ROOT / "data", src)
    return Settings.from_env({}, store_dir=tmp_path / "store", source_dir=src)


def test_failed_build_leaves_the_last_good_store(tmp_path):
    settings = _copy_project(tmp_path)
    first, _ = build(settings)
    live = (settings.store_dir / "current").resolve()
    (settings.source_dir / "broken.ttl").write_text(
        "<https://w3id.org/quartiers-kg/module/116> <https://w3id.org/quartiers-kg/ontology#moduleNumber> 999 .\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="moduleNumber"):
        build(settings)
    assert (settings.store_dir / "current").resolve() == live
    assert GraphStore(settings.store_dir).info.version == first.version
    assert len(list((settings.store_dir / "builds").iterdir())) == 1


def test_rebuild_swaps_and_keeps_one_previous(tmp_path):
    settings = _copy_project(tmp_path)
    versions = [build(settings)[0].version for _ in range(3)]
    assert GraphStore(settings.store_dir).info.version == versions[-1]
    assert sorted(p.name for p in (settings.store_dir / "builds").iterdir()) == sorted(versions[1:])


def test_missing_store_is_a_clear_error(tmp_path):
    assert not has_store(tmp_path)
    with pytest.raises(StoreError, match="run 'quartiers-kg build' first"):
        GraphStore(tmp_path)


def test_build_with_a_broken_page_publishes_the_others_and_says_so(tmp_path, runner):
    from quartiers_kg.cli import main

    from .pages import full_page

    settings = _copy_project(tmp_path)
    (settings.source_dir / "modules" / "druck_05.txt").write_text(full_page("Fünf"), encoding="utf-8")
    (settings.source_dir / "modules" / "druck_06.txt").write_text("Einkaufsliste\n\nMilch\n", encoding="utf-8")
    result = runner.invoke(main, ["--store-dir", str(settings.store_dir), "--source-dir", str(settings.source_dir), "build"])
    assert result.exit_code == 1
    assert "druck_06.txt:1: not a module page" in result.stderr
    assert "module 5 'Fünf', complete" in result.stderr
    numbers = {int(r["n"].value) for r in GraphStore(settings.store_dir).query(
        "SELECT ?n { ?m <https://w3id.org/quartiers-kg/ontology#moduleNumber> ?n ; <http://www.w3.org/ns/prov#wasGeneratedBy> ?a }")}
    assert numbers == {5, 116}
