"""The ontology and the shapes as readable documentation pages."""

from __future__ import annotations

from collections import defaultdict

from flask import render_template

from ..store import plain
from .context import minter, rows
from .describe import pick_label, vocabulary_labels

TERMS = """
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?term ?p ?o WHERE { GRAPH ?g { ?term ?p ?o } FILTER (isIRI(?term)) }"""

USAGE = """
SELECT ?term (COUNT(*) AS ?uses) (SAMPLE(?s) AS ?example) WHERE {
  GRAPH ?data { { ?s ?term ?o } UNION { ?s a ?term } }
} GROUP BY ?term"""

SHAPES = """
PREFIX sh: <http://www.w3.org/ns/shacl#>
SELECT ?shape ?target ?path ?min ?max ?datatype ?class ?message WHERE {
  GRAPH ?g { ?shape a sh:NodeShape .
    OPTIONAL { ?shape sh:targetClass ?target }
    OPTIONAL { ?shape sh:property ?ps . ?ps sh:path ?path .
      OPTIONAL { ?ps sh:minCount ?min } OPTIONAL { ?ps sh:maxCount ?max }
      OPTIONAL { ?ps sh:datatype ?datatype } OPTIONAL { ?ps sh:class ?class } OPTIONAL { ?ps sh:message ?message } } }
} ORDER BY ?shape ?path"""

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
PROPERTY_TYPES = {OWL + "ObjectProperty", OWL + "DatatypeProperty", "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property"}


def vocabulary_page(kind: str, graph_iri: str, iri: str) -> str:
    labels = vocabulary_labels()

    def link(term: str) -> dict:
        return {"iri": term, "label": pick_label(labels.get(term), term), "href": _href(term)}

    if kind == "shapes":
        shapes: dict = defaultdict(lambda: {"targets": [], "properties": []})
        for row in rows(SHAPES, default_graphs=[graph_iri], named_graphs=[graph_iri]):
            r = {k: (plain(row[k])["value"] if row[k] is not None else None) for k in ("shape", "target", "path", "min", "max", "datatype", "class", "message")}
            shape = shapes[r["shape"]]
            shape["iri"] = r["shape"]
            if r["target"] and link(r["target"]) not in shape["targets"]:
                shape["targets"].append(link(r["target"]))
            prop = {"path": link(r["path"]) if r["path"] else None, "min": r["min"], "max": r["max"],
                    "datatype": link(r["datatype"]) if r["datatype"] else None, "class": link(r["class"]) if r["class"] else None,
                    "message": r["message"]}
            if r["path"] and prop not in shape["properties"]:
                shape["properties"].append(prop)
        return render_template("shapes.html", iri=iri, shapes=list(shapes.values()))

    facts: dict = defaultdict(lambda: defaultdict(list))
    for row in rows(TERMS, named_graphs=[graph_iri], default_graphs=[]):
        term, p, o = plain(row["term"])["value"], row["p"].value, plain(row["o"])
        facts[term][p].append(o)
    usage = {}
    for row in rows(USAGE, named_graphs=[str(minter().graph("data"))], default_graphs=[]):
        usage[plain(row["term"])["value"]] = (int(row["uses"].value), plain(row["example"])["value"])

    def entry(term: str) -> dict:
        f = facts[term]
        texts = {o.get("lang") or "": o["value"] for o in f.get(RDFS + "comment", [])}
        uses, example = usage.get(term, (0, None))
        return {
            "iri": term, "anchor": term.rsplit("#", 1)[-1],
            "label_de": next((o["value"] for o in f.get(RDFS + "label", []) if o.get("lang") == "de"), None),
            "label_en": next((o["value"] for o in f.get(RDFS + "label", []) if o.get("lang") == "en"), None),
            "comment_de": texts.get("de"), "comment_en": texts.get("en"),
            "parents": [link(o["value"]) for o in f.get(RDFS + "subClassOf", []) + f.get(RDFS + "subPropertyOf", []) if o["type"] == "iri"],
            "domain": [link(o["value"]) for o in f.get(RDFS + "domain", [])],
            "range": [link(o["value"]) for o in f.get(RDFS + "range", [])],
            "uses": uses, "example": link(example) if example else None,
        }

    classes = sorted((t for t, f in facts.items() if any(o["value"] == OWL + "Class" for o in f.get(RDF_TYPE, []))), key=str.lower)
    properties = sorted((t for t, f in facts.items() if any(o["value"] in PROPERTY_TYPES for o in f.get(RDF_TYPE, []))), key=str.lower)
    header = entry(iri)
    version = next((o["value"] for o in facts[iri].get(OWL + "versionIRI", [])), None)
    return render_template("ontology.html", header=header, version=version,
                           classes=[entry(t) for t in classes], properties=[entry(t) for t in properties])


def _href(iri: str) -> str:
    if iri.startswith("https://w3id.org/quartiers-kg/ontology#"):
        return "/ontology#" + iri.rsplit("#", 1)[1]
    if iri.startswith("https://w3id.org/quartiers-kg/shapes#"):
        return "/shapes#" + iri.rsplit("#", 1)[1]
    return minter().path_of(iri) or iri
