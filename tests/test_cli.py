"""The command line: build, validate, query and ingest, with their exit codes and messages."""

from __future__ import annotations

import csv
import io

from rdflib import Graph, Literal, URIRef

from quartiers_kg.cli import main

from .conftest import DATA_TRIPLES, SEED
from .pages import full_page

M = URIRef("https://w3id.org/quartiers-kg/module/116")


def test_validate_passes_on_data(runner):
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert f"valid: {DATA_TRIPLES} triples" in result.output


def test_validate_fails_on_a_copy_missing_a_required_property(runner, tmp_path):
    out = tmp_path / "116.ttl"
    assert runner.invoke(main, ["ingest", str(SEED), "-o", str(out)]).exit_code == 0
    graph = Graph().parse(out)
    step = URIRef(str(M) + "/step/2")
    graph.remove((step, URIRef("https://schema.org/position"), None))
    broken = tmp_path / "broken.ttl"
    graph.serialize(broken, format="turtle")
    result = runner.invoke(main, ["validate", str(broken)])
    assert result.exit_code == 1
    assert "module/116/step/2" in result.output and "schema:position" in result.output
    assert "invalid: 1 violation(s)" in result.output


def test_query_prints_csv(runner, settings):
    result = runner.invoke(main, ["--store-dir", str(settings.store_dir), "query",
                                  "SELECT ?n WHERE { ?m <https://w3id.org/quartiers-kg/ontology#moduleNumber> ?n } ORDER BY ?n"])
    assert result.exit_code == 0, result.output
    assert [row["n"] for row in csv.DictReader(io.StringIO(result.stdout))] == ["35", "69", "75", "116"]


def test_query_syntax_error_is_one_line_and_exit_1(runner, settings):
    result = runner.invoke(main, ["--store-dir", str(settings.store_dir), "query", "SELEKT *"])
    assert result.exit_code == 1 and "SPARQL syntax error" in result.output


def test_ingest_writes_turtle_and_exit_0(runner):
    result = runner.invoke(main, ["ingest", str(SEED)])
    assert result.exit_code == 0
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert (M, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("Netzwerkarbeit", lang="de")) in graph


def test_ingest_incomplete_page_exit_1_with_file_line(runner, tmp_path):
    text = full_page()
    path = tmp_path / "druck_08.txt"
    path.write_text(text[: text.index("Projekte")], encoding="utf-8")
    result = runner.invoke(main, ["ingest", str(path)])
    assert result.exit_code == 1
    line = len(text[: text.index("Projekte")].splitlines())
    assert f"{path}:{line}: warning: page ends early" in result.stderr
    graph = Graph().parse(data=result.stdout, format="turtle")
    module = URIRef("https://w3id.org/quartiers-kg/module/8")
    assert graph.value(module, URIRef("https://w3id.org/quartiers-kg/ontology#incomplete")) == Literal(True)


def test_ingest_directory_with_one_broken_page_reads_the_others(runner, tmp_path):
    (tmp_path / "druck_01.txt").write_text(full_page("Eins"), encoding="utf-8")
    (tmp_path / "druck_02.txt").write_bytes("Modul Zwei\n\nZielsetzung\n\nGr\xfc\xdfe".encode("latin-1"))
    (tmp_path / "druck_03.txt").write_text(full_page("Drei"), encoding="utf-8")
    result = runner.invoke(main, ["ingest", str(tmp_path)])
    assert result.exit_code == 1
    assert "druck_02.txt:5: not UTF-8" in result.stderr
    graph = Graph().parse(data=result.stdout, format="turtle")
    numbers = sorted(int(o) for o in graph.objects(None, URIRef("https://w3id.org/quartiers-kg/ontology#moduleNumber")))
    assert numbers == [1, 3, 12]


def test_ingest_bad_usage_exit_2(runner, tmp_path):
    assert runner.invoke(main, ["ingest"]).exit_code == 2
    assert runner.invoke(main, ["ingest", str(tmp_path / "missing.txt")]).exit_code == 2
    assert runner.invoke(main, ["ingest", "--number", "0", str(SEED)]).exit_code == 2
