"""Pages as content management systems serve them: fetched from a mock site on loopback and built, the graph holds
the module's text and nothing of the site around it, and equals the graph of the same pages without chrome."""

from __future__ import annotations

import gc
import shutil

import pytest
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from quartiers_kg.build import build, data_graph, page_files, read_pages
from quartiers_kg.cli import main
from quartiers_kg.config import Settings
from quartiers_kg.rdf.namespaces import PAV, QK
from quartiers_kg.rdf.uris import Minter
from quartiers_kg.source.files import MANIFEST
from quartiers_kg.store import GraphStore

from .mocksite import ROOT, serving
from .served import ADVICE, CHROME_PHRASES, CHROME_VALUES, MODULES, PRINT_ONLY, served_site

TEMPLATES = ["semantic", "divs", "bare", "blog", "tables"]
# what differs between the same page with and without chrome: its bytes, when it was fetched, its line numbers
PROVENANCE = {QK.sha256, QK.firstLine, QK.lastLine, QK.droppedLines, PAV.retrievedOn}


def fetched(runner, site, template: str | None, into) -> None:
    """A mirror of the site (serving), its pages wrapped in `template`, fetched as a user would."""
    site.pages = served_site(template).pages
    env = {"QKG_PRINT_URL": site.url + "/druck/druck_{number:02d}.html", "QKG_WEB_ROOT": site.url + ROOT,
           "QKG_CONTACT_EMAIL": "test@example.org", "QKG_FETCH_PRIVATE_HOSTS": "127.0.0.1"}
    result = runner.invoke(main, ["fetch", "--numbers", "7,9,30,41", "--into", str(into), "--delay", "0"], env=env)
    assert result.exit_code == 0, result.output


def without_provenance(graph):
    for triple in [t for t in graph if t[1] in PROVENANCE]:
        graph.remove(triple)
    return graph


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """For each template: the batch read and the graph of the pages without chrome and of the same pages wrapped in
    the template, and a store built from the wrapped mirror. Both mirrors are fetched into the same folder, so that
    the pages' paths are the same."""
    from click.testing import CliRunner

    runner, out = CliRunner(), {}
    base = tmp_path_factory.mktemp("served")
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1764000000")
    settings = Settings.from_env({}, source_dir=base / "none")
    site = served_site(None)
    with serving(site):  # one address for all: the pages' addresses are in the graph
        for template in TEMPLATES:
            for kind in (None, template):
                shutil.rmtree(base / "mirror", ignore_errors=True)
                fetched(runner, site, kind, base / "mirror")  # the same folder: the pages' paths are in the graph too
                shutil.copytree(base / "mirror", base / template / (kind or "plain"))
    for template in TEMPLATES:  # the site's threads are gone: the store's objects stay in this one
        graphs = {}
        for kind in (None, template):
            shutil.rmtree(base / "mirror", ignore_errors=True)
            shutil.copytree(base / template / (kind or "plain"), base / "mirror")
            batch = read_pages(page_files([base / "mirror"]))
            graphs[kind] = (batch, data_graph(batch, settings))
        source_dir = base / template / "data"
        shutil.copytree(base / "mirror", source_dir / "sources")
        store_dir = base / template / "store"
        build(Settings.from_env({}, source_dir=source_dir, store_dir=store_dir, build_processes=1))
        gc.collect()  # the build's engine objects may only be freed on this thread, not on the next one's GC
        out[template] = {"plain": graphs[None], "wrapped": graphs[template],
                         "store": GraphStore(store_dir, memory_max_triples=0)}  # no copying thread beside the tests'
    mp.undo()
    return out


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_graph_of_pages_in_chrome_equals_the_graph_of_the_same_pages_without(served, template):
    plain_batch, plain = served[template]["plain"]
    batch, wrapped = served[template]["wrapped"]
    assert not batch.failures and not plain_batch.failures
    titles = {p.module.number: p.module.title for p in batch.pages}
    assert titles == {**{n: t for _, (n, t) in MODULES}, **{n: t for n, t in PRINT_ONLY}}
    a, b = to_isomorphic(without_provenance(plain)), to_isomorphic(without_provenance(wrapped))
    if not isomorphic(a, b):
        _, only_plain, only_wrapped = graph_diff(a, b)
        pytest.fail(f"without chrome only: {sorted(only_plain)[:8]}\nwith chrome only: {sorted(only_wrapped)[:8]}")
    # the same sections, steps and pages were read, and chrome was found
    for page in batch.pages:
        assert page.module.steps and not page.module.extra_sections, page.module.number
        assert page.module.advice == ADVICE  # the sentence every module shares stays
    assert batch.dropped_by_markup + batch.dropped_repeated > 0


def test_where_the_markup_says_nothing_the_title_the_pager_and_the_net_find_the_chrome(served):
    batch = served["bare"]["wrapped"][0]
    # the skip link, the site's name, the cookie notice, the sidebar and the footer on each of the eighteen web pages:
    # what stands before the module's title and after its pager by their place, the rest (print pages) by the net
    assert batch.dropped_repeated >= 2 * 4 and batch.dropped_by_markup + batch.dropped_repeated >= 10 * 18 + 2 * 4
    marked = served["semantic"]["wrapped"][0]
    # there the markup said it all: the net found only the one tab name of the pager the template does not know
    assert marked.dropped_repeated == 3 * 6 and marked.dropped_by_markup > 20 * 18


@pytest.mark.parametrize("template", TEMPLATES)
def test_no_literal_of_the_built_graph_holds_a_phrase_of_the_chrome(served, template):
    store = served[template]["store"]
    data = Minter(Settings.from_env({}).base_iri).graph("data")
    rows = store.query(f"SELECT DISTINCT ?o WHERE {{ GRAPH <{data}> {{ ?s ?p ?o }} FILTER (isLiteral(?o)) }}")
    literals = [row["o"].value for row in rows]
    assert "Testmodul Sieben" in literals and ADVICE in literals  # the query sees the module's literals
    for value in literals:
        assert not any(phrase in value for phrase in CHROME_PHRASES), value
        assert value not in CHROME_VALUES, value


@pytest.mark.parametrize("template", TEMPLATES)
def test_the_pages_read_are_listed_with_their_sections_and_lines_dropped(served, template):
    store = served[template]["store"]
    rows = list(store.query("""PREFIX qk: <https://w3id.org/quartiers-kg/ontology#>
        SELECT ?page ?dropped WHERE { ?page a qk:SourcePage ; qk:droppedLines ?dropped }"""))
    assert len(rows) == 3 * 6 + 4
    assert all(int(row["dropped"].value) > 0 for row in rows)


def test_read_shows_what_a_page_gave_and_what_was_dropped(runner, tmp_path):
    into, site = tmp_path / "mirror", served_site(None)
    with serving(site):
        fetched(runner, site, "semantic", into)
    page = next(p for p in into.rglob("index.html") if p.parent.name == "stolpersteine-bewertung")
    result = runner.invoke(main, ["read", str(page)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "(web page, tab 'stolpersteine-bewertung', Seite 5 / 6)" in out  # its address from the mirror
    assert "title: 'Testmodul Sieben'" in out or "title: 'Zweites Modul'" in out or "title: 'Netzwerkarbeit im Quartier'" in out
    assert "\nStolpersteine (lines " in out and "\nBewertung (lines " in out
    for why in ("hidden", "navigation", "sidebar", "site header", "site footer", "cookie notice or dialog", "page tools"):
        assert f"  {why} (" in out, why
    assert "Diese Website verwendet Cookies" in out.split("dropped as the site's own text")[1]
    assert (into / MANIFEST).is_file()


def test_read_names_a_page_it_cannot_place(runner, tmp_path):
    page = tmp_path / "saved.html"
    page.write_text("<html><body><main><h1>Etwas</h1><p>Text.</p></main></body></html>", encoding="utf-8")
    result = runner.invoke(main, ["read", str(page)])
    assert result.exit_code == 1 and "saved.html" in result.output and "--url" in result.output
