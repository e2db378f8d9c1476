"""The full-text index: German analysis, ranking by where a word stands, escaped passages, refused searches."""

from __future__ import annotations

import pytest

from quartiers_kg.errors import QueryRejected
from quartiers_kg.search import SearchIndex, analyzer, write_index

KG = "https://w3id.org/quartiers-kg/module/"


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("search")
    write_index({
        KG + "1": {"number": 1, "title": ["Nachbarschaftshilfe organisieren"], "objective": ["Hilfe im Quartier."]},
        KG + "2": {"number": 2, "title": ["Quartiersbegehung"], "literature": ["Müller (2010): Nachbarschaft heute., Köln"]},
        KG + "3": {"number": 3, "title": ["Befragungen im Quartier"], "steps": ["Die Straße <b>Nachbar</b> & Co. befragen"]},
        KG + "4": {"number": 4, "title": ["Ehrenamtliche gewinnen"], "advice": ["Ehrenamt braucht Anerkennung."]},
    }, folder)
    return SearchIndex.of(folder)


@pytest.mark.parametrize("one, other", [("Befragungen", "Befragung"), ("Straße", "Strasse"), ("Bürger", "Buerger"),
                                        ("ehrenamtliche", "Ehrenamt")])
def test_german_words_share_their_stem(one, other):
    words = analyzer()
    assert words.analyze(one) == words.analyze(other)


@pytest.mark.parametrize("query, numbers", [
    ("Nachbarn", {1, 2, 3}),  # a plural finds the words that start like its singular
    ("Strasse", {3}), ("befragung", {3}), ("Ehrenamt", {4}), ("Quartier Hilfe", {1}), ("Fahrrad", set())])
def test_what_a_search_finds(index, query, numbers):
    total, hits = index.search(query)
    assert {h.number for h in hits} == numbers and total == len(numbers)


def test_a_title_hit_ranks_before_a_literature_hit(index):
    _, hits = index.search("Nachbarschaft")
    assert [h.number for h in hits][:2] == [1, 2] and hits[0].score > hits[1].score
    assert hits[0].passages[0][0] == "Titel" and hits[1].passages[0][0] == "Literatur"


def test_passages_are_escaped_with_the_words_marked(index):
    _, hits = index.search("Nachbar")
    step = next(h for h in hits if h.number == 3)
    assert step.passages == [("Umsetzungsschritte", "Die Straße &lt;b&gt;<mark>Nachbar</mark>&lt;/b&gt; &amp; Co. befragen")]


def test_paging_and_a_restriction_to_some_modules(index):
    total, first = index.search("Nachbarn", limit=2)
    _, rest = index.search("Nachbarn", limit=2, offset=2)
    assert total == 3 and len(first) == 2 and len(rest) == 1 and {h.number for h in first + rest} == {1, 2, 3}
    assert [h.number for h in index.search("Nachbarn", among=[2, 4])[1]] == [2]


@pytest.mark.parametrize("query", ["", "  ", "!!", "x" * 201])
def test_refused_searches_name_the_parameter(index, query):
    with pytest.raises(QueryRejected) as err:
        index.search(query)
    assert err.value.parameter == "q"


def test_search_finds_a_module_by_what_it_names_and_where_its_projects_are(client):
    for words in ("Stiftung", "Bocholt", "Leverkusen"):
        found = client.get("/api/search", query_string={"q": words}).get_json()
        assert [hit["number"] for hit in found["results"]] == [116], (words, found)
