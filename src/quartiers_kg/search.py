"""Full-text search over the toolbox's German texts with tantivy: one document per module, built with the store.

German analysis: lower case, umlauts and ß folded (Straße = Strasse, Bürger = Buerger), Snowball's German
stemmer (Befragungen = Befragung). A query word also matches as the start of a word once its plural ending is
gone, so that "Nachbarn" finds "Nachbarschaft". A title hit weighs more than one in the objective, which
weighs more than one in the other texts; literature weighs least.
"""

from __future__ import annotations

import html
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import tantivy

from .errors import QueryRejected

QK = "https://w3id.org/quartiers-kg/ontology#"
SCHEMA = "https://schema.org/"
LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
PREF_LABEL = "<http://www.w3.org/2004/02/skos/core#prefLabel>"
FOLDER = "search"  # in the build folder, beside the store
ANALYZER = "de_folded"
# field -> (German heading, weight, path from a module to its text)
FIELDS = {
    "title": ("Titel", 8.0, LABEL),
    "objective": ("Zielsetzung", 3.0, f"<{QK}objective>"),
    "implementation": ("Umsetzung und Durchführung", 1.5, f"<{QK}implementation>|<{QK}implementationItem>/<{SCHEMA}text>"),
    "steps": ("Umsetzungsschritte", 1.5, f"<{QK}stepsText>|<{SCHEMA}step>/<{SCHEMA}text>"),
    "pitfalls": ("Stolpersteine", 1.0, f"<{QK}pitfall>/<{SCHEMA}text>"),
    "evaluation": ("Bewertung", 1.0, f"<{QK}evaluation>"),
    "advice": ("Beratung", 1.0, f"<{QK}advice>"),
    "cases": ("Fallbeispiele", 1.0, f"<{QK}caseExamplesText>|<{QK}caseExample>/{LABEL}"),
    "projects": ("Projekte", 1.0, f"<{QK}project>/{LABEL}"),
    "literature": ("Literatur", 0.5, f"<{QK}literature>/({LABEL}|<http://purl.org/dc/terms/title>)"),
    # what a module names from the toolbox's lists, and where its projects are
    "named": ("Finanzierung, Zielgruppen, Handlungsfelder, Netzwerktypen, Orte", 1.0,
              f"(<{QK}fundingSource>|<{QK}targetGroup>|<{QK}fieldOfAction>|<{QK}userRole>|<{QK}networkType>)/{PREF_LABEL}"
              f"|<{QK}project>/<{SCHEMA}location>/{LABEL}"),
}
MAX_QUERY = 200  # characters of a search: a few words, not a document
MAX_WORDS = 12


def analyzer() -> tantivy.TextAnalyzer:
    return (tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple()).filter(tantivy.Filter.lowercase())
            .filter(tantivy.Filter.ascii_fold()).filter(tantivy.Filter.stemmer("german")).build())


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("number", stored=True, indexed=True, fast=True)
    builder.add_text_field("iri", stored=True, tokenizer_name="raw")
    for name in FIELDS:
        builder.add_text_field(name, stored=True, tokenizer_name=ANALYZER, index_option="position")
    return builder.build()


def texts(select: Callable[[str], list[dict]]) -> dict[str, dict]:
    """Module IRI -> {"number": n, field: [texts]} read from a store (NewStore.select's plain rows)."""
    docs: dict[str, dict] = {}
    for row in select(f"SELECT ?m ?n WHERE {{ ?m <{QK}moduleNumber> ?n }}"):
        docs[row["m"]["value"]] = {"number": int(row["n"]["value"])}
    for name, (_, _, path) in FIELDS.items():
        for row in select(f"SELECT ?m ?text WHERE {{ ?m <{QK}moduleNumber> ?n ; {path} ?text }}"):
            docs[row["m"]["value"]].setdefault(name, []).append(row["text"]["value"])
    return docs


def write_index(docs: dict[str, dict], folder: Path) -> Path:
    """Build the index of `docs` into folder/search (replacing what is there)."""
    path = Path(folder) / FOLDER
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    _fill(tantivy.Index(_schema(), path=str(path)), docs)
    return path


def _fill(index: tantivy.Index, docs: dict[str, dict]) -> tantivy.Index:
    index.register_tokenizer(ANALYZER, analyzer())
    writer = index.writer(heap_size=64 * 1024 * 1024, num_threads=1)
    for iri, doc in docs.items():
        writer.add_document(tantivy.Document(iri=iri, **{k: v for k, v in doc.items()}))
    writer.commit()
    writer.wait_merging_threads()
    return index


@dataclass(frozen=True)
class Hit:
    """A module that matches, its score, and the passages that match (HTML: the text escaped, the words marked)."""

    number: int
    iri: str
    title: str
    score: float
    passages: list[tuple[str, str]]  # (field heading, HTML)


class SearchIndex:
    """A built index, opened read-only; thread-safe for searches."""

    def __init__(self, index: tantivy.Index):
        self.index = index
        self.index.register_tokenizer(ANALYZER, analyzer())
        self.schema = _schema()
        self.words = analyzer()

    @classmethod
    def of(cls, folder: Path | None, docs: Callable[[], dict[str, dict]] | None = None) -> "SearchIndex | None":
        """The index a build wrote into `folder`, or None where there is none (a remote store, an old build).

        tantivy locks a file beside the index to open it: where the folder cannot be written (a read-only file
        system), the index is made again in memory from `docs` (what `texts` reads from the store), the same.
        :raises ValueError: tantivy's, for an index it cannot read (or lock, without `docs`).
        """
        if folder is None or not (Path(folder) / FOLDER / "meta.json").is_file():
            return None
        try:
            return cls(tantivy.Index.open(str(Path(folder) / FOLDER)))
        except ValueError as err:
            if "Lockfile" not in str(err) or docs is None:
                raise
        return cls(_fill(tantivy.Index(_schema()), docs()))

    def query(self, text: str) -> tantivy.Query:
        """Every word must match somewhere (a word matches its stem exactly or, less, as the start of a word).

        :raises QueryRejected: for an empty or over-long search (parameter 'q').
        """
        if len(text) > MAX_QUERY:
            raise QueryRejected(f"parameter 'q' is longer than {MAX_QUERY} characters", "q")
        stems = [s for s in dict.fromkeys(self.words.analyze(text)) if s][:MAX_WORDS]
        if not stems:
            raise QueryRejected("parameter 'q' holds no word to search for", "q")
        words = []
        for stem in stems:
            each = []
            for name, (_, weight, _) in FIELDS.items():
                each.append((tantivy.Occur.Should, tantivy.Query.boost_query(
                    tantivy.Query.term_query(self.schema, name, stem), weight * 2)))
                for start in _starts(stem):
                    each.append((tantivy.Occur.Should, tantivy.Query.boost_query(
                        tantivy.Query.regex_query(self.schema, name, re.escape(start) + ".*"), weight)))
            words.append((tantivy.Occur.Must, tantivy.Query.boolean_query(each)))
        return tantivy.Query.boolean_query(words)

    def search(self, text: str, limit: int = 20, offset: int = 0, among: list[int] | None = None) -> tuple[int, list[Hit]]:
        """(how many modules match, the hits of this page), best first; `among`: only these module numbers."""
        query = self.query(text)
        if among is not None:
            query = tantivy.Query.boolean_query([(tantivy.Occur.Must, query), (tantivy.Occur.Must, tantivy.Query.const_score_query(
                tantivy.Query.term_set_query(self.schema, "number", list(among)), 0.0))])
        starts = [start for stem in self.words.analyze(text) for start in [stem, *_starts(stem)]]
        searcher = self.index.searcher()
        found = searcher.search(query, limit=limit, offset=offset, count=True)
        hits = []
        for score, address in found.hits:
            doc = searcher.doc(address)
            passages = [(heading, passage) for name, (heading, _, _) in FIELDS.items() for value in doc.get_all(name)
                        if (passage := self._passage(value, starts))]
            hits.append(Hit(doc["number"][0], doc["iri"][0], (doc.get_all("title") or [""])[0], score, passages[:3]))
        return found.count, hits

    def _passage(self, text: str, starts: list[str], width: int = 220) -> str | None:
        """The part of `text` around its first matching word, as HTML: all of it escaped, each matching word in
        <mark>; None if no word of it matches (a word matches as the index does: its stem, or the stem's start)."""
        words = [m for m in re.finditer(r"\w+", text) if any(stem == s or (len(s) >= 4 and stem.startswith(s))
                                                            for stem in self.words.analyze(m.group()) for s in starts)]
        if not words:
            return None
        begin = max(0, words[0].start() - width // 3)
        begin = text.rfind(" ", 0, begin) + 1 if begin else 0
        end = min(len(text), begin + width)
        out, at = ["…" if begin else ""], begin
        for m in words:
            if m.start() >= at and m.end() <= end:
                out += [html.escape(text[at:m.start()]), "<mark>", html.escape(m.group()), "</mark>"]
                at = m.end()
        out += [html.escape(text[at:end]), "…" if end < len(text) else ""]
        return "".join(out)

    def scores(self, text: str, limit: int = 100_000) -> dict[str, float]:
        """Module IRI -> score for every match (what the SPARQL function qk:search reads)."""
        searcher = self.index.searcher()
        return {searcher.doc(address)["iri"][0]: score for score, address in searcher.search(self.query(text), limit=limit).hits}


def _starts(stem: str) -> list[str]:
    """The beginnings a stem also matches: itself, and without a plural or case ending (nachbarn -> nachbar)."""
    starts = [stem] if len(stem) >= 4 else []
    if len(stem) >= 6 and stem[-1] in "ens":
        starts.append(stem[:-1])
    return starts


FUNCTION = QK + "search"  # qk:search(?module, "words"): the module's score, unbound where it does not match
DOUBLE = "http://www.w3.org/2001/XMLSchema#double"


def sparql_function(index: SearchIndex, cached: int = 64):
    """The SPARQL function qk:search for pyoxigraph's custom_functions.

    An unbound result is what SPARQL makes of an error, so FILTER(BOUND(...)) keeps the matches. The scores of
    the last `cached` searches are kept: the function is called once per row. A search the index refuses
    (no word, too long) is an unbound value too: a query evaluation must not fail half-way.
    """
    memory: dict[str, dict[str, float]] = {}

    def search(module, text):
        if not isinstance(module, ox.NamedNode) or not isinstance(text, ox.Literal):
            return None
        scores = memory.get(text.value)
        if scores is None:
            try:
                scores = index.scores(text.value)
            except QueryRejected:
                scores = {}
            if len(memory) >= cached:
                memory.pop(next(iter(memory)))
            memory[text.value] = scores
        score = scores.get(module.value)
        return ox.Literal(repr(score), datatype=ox.NamedNode(DOUBLE)) if score is not None else None

    return search
