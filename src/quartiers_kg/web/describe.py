"""What the dataset says about one resource, and labels for everything shown with it."""

from __future__ import annotations

import re

from collections import defaultdict
from dataclasses import dataclass, field

from pathlib import Path

import pyoxigraph as ox

from ..queries import Term
from ..store import plain
from .context import minter, per_version, rows

STANDARD_LABELS = Path(__file__).with_name("vocabularies.ttl")

LABEL_PROPERTIES = (
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://purl.org/dc/terms/title",
    "https://schema.org/name",
    "http://xmlns.com/foaf/0.1/name",
)
_LABELS = ", ".join(f"<{p}>" for p in LABEL_PROPERTIES)

# A resource's own triples with the labels of what they point to; its parts (IRIs below its own,
# e.g. module/116/step/1) in full with their labels; its incoming links with the linking thing's label;
# and the blank nodes it reaches, in full (a concise bounded description).
DESCRIBE = f"""
CONSTRUCT {{ ?r ?p ?o . ?o ?lp ?lo . ?x ?xp ?xo . ?xo ?xlp ?xlo . ?s ?ip ?r . ?s ?slp ?slo . ?b ?bp ?bo }}
WHERE {{
  {{ ?r ?p ?o . OPTIONAL {{ ?o ?lp ?lo . FILTER (?lp IN ({_LABELS})) }} }}
  UNION {{ ?r ?pp ?x . FILTER (isIRI(?x) && STRSTARTS(STR(?x), CONCAT(STR(?r), "/")))
           ?x ?xp ?xo . OPTIONAL {{ ?xo ?xlp ?xlo . FILTER (?xlp IN ({_LABELS})) }} }}
  UNION {{ ?s ?ip ?r . OPTIONAL {{ ?s ?slp ?slo . FILTER (?slp IN ({_LABELS})) }} }}
  UNION {{ ?r ?p0 ?b0 . FILTER (isBlank(?b0)) ?b0 (<urn:x-qk:any>|!<urn:x-qk:any>)* ?b . FILTER (isBlank(?b)) ?b ?bp ?bo }}
}}"""

def vocabulary_query(ontology: str) -> str:
    """The terms a page names without linking them: the ontology's, and the concepts (scales and their poles,
    sections, funding, …); everything a resource links to has its label in the resource's own description."""
    return f"""
SELECT ?term ?label WHERE {{
  {{ GRAPH <{ontology}> {{ ?term ?p ?label }} }}
  UNION {{ ?term a <http://www.w3.org/2004/02/skos/core#Concept> ; ?p ?label }}
  FILTER (?p IN ({_LABELS})) FILTER (!isBlank(?term)) }}"""


@dataclass
class Description:
    """The triples about one IRI, indexed for a page: out-going, parts, incoming, labels."""

    iri: str
    triples: list = field(default_factory=list)
    out: dict = field(default_factory=lambda: defaultdict(list))  # predicate -> [term]
    parts: dict = field(default_factory=lambda: defaultdict(lambda: defaultdict(list)))  # part IRI -> predicate -> [term]
    incoming: list = field(default_factory=list)  # (subject, predicate)
    labels: dict = field(default_factory=lambda: defaultdict(dict))  # IRI -> lang -> label

    @property
    def exists(self) -> bool:
        return bool(self.out)


def describe(iri: str) -> Description:
    triples = rows(DESCRIBE, substitutions={"r": Term(iri, iri=True)})
    d = Description(iri, triples)
    for t in triples:
        s, p, o = plain(t.subject), t.predicate.value, plain(t.object)
        if p in LABEL_PROPERTIES and o["type"] == "literal":
            d.labels[s["value"]].setdefault(o.get("lang") or "", o["value"])
        if s["value"] == iri:
            if o not in d.out[p]:
                d.out[p].append(o)
        elif s["value"].startswith(iri + "/"):
            if o not in d.parts[s["value"]][p]:
                d.parts[s["value"]][p].append(o)
        if o["value"] == iri and o["type"] == "iri" and s["value"] != iri:
            if (s["value"], p) not in d.incoming:
                d.incoming.append((s["value"], p))
    return d


def vocabulary_labels() -> dict[str, dict[str, str]]:
    """Labels of every term: the standard ones we ship, then the store's (read once per dataset version)."""

    def read() -> dict[str, dict[str, str]]:
        labels: dict[str, dict[str, str]] = defaultdict(dict)
        for triple in ox.parse(path=str(STANDARD_LABELS), format=ox.RdfFormat.TURTLE):
            labels[triple.subject.value][triple.object.language] = triple.object.value
        for row in rows(vocabulary_query(minter().graph("ontology"))):
            term, label = plain(row["term"]), plain(row["label"])
            labels[term["value"]].setdefault(label.get("lang") or "", label["value"])
        return labels

    return per_version("labels", read)


def pick_label(labels: dict[str, str] | None, iri: str) -> str:
    """German, then English, then any label, then the IRI's last segment, its words apart.

    >>> pick_label(None, "http://rdfs.org/ns/void#exampleResource"), pick_label(None, "https://x.org/field-of-action")
    ('example resource', 'field of action')
    """
    labels = labels or {}
    for lang in ("de", "en", ""):
        if labels.get(lang):
            return labels[lang]
    if labels:
        return next(iter(labels.values()))
    local = iri.rstrip("/#").rsplit("#", 1)[-1].rsplit("/", 1)[-1]
    return re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).replace("-", " ").lower() if local else iri
