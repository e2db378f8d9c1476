"""Facets of the module list: filter by funding, network type, town, project, literature years, fields of
action, target groups and rating count; the counts beside each value follow the selection."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..errors import QueryRejected

QK = "https://w3id.org/quartiers-kg/ontology#"
LABELS = ("<http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel>")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,120}$")
MAX_VALUES = 8  # values selected in one facet: each is a join of its own, and nobody reads a list with more


@dataclass(frozen=True)
class Facet:
    name: str  # the URL parameter
    title: str
    path: str  # SPARQL property path from a module to the value
    kind: str  # IRI segment of the values: <base><kind>/<slug>


FACETS = (
    Facet("funding", "Finanzierung", f"<{QK}fundingSource>", "funding"),
    Facet("network_type", "Netzwerktyp", f"<{QK}networkType>", "network-type"),
    Facet("town", "Ort", f"<{QK}project>/<https://schema.org/location>", "place"),
    Facet("project", "Projekt", f"<{QK}project>", "project"),
    Facet("field_of_action", "Handlungsfeld", f"<{QK}fieldOfAction>", "field-of-action"),
    Facet("target_group", "Zielgruppe", f"<{QK}targetGroup>", "target-group"),
)
YEAR = "<http://purl.org/dc/terms/issued>"


@dataclass(frozen=True)
class Selection:
    """What the URL selects: facet values (slugs), a literature year range, a rating count."""

    values: dict[str, tuple[str, ...]]
    year_from: int | None = None
    year_to: int | None = None
    rating_count: int | None = None
    modules: tuple[str, ...] | None = None  # the matches of a full-text search (IRIs from our index)

    @property
    def empty(self) -> bool:
        return (not any(self.values.values()) and self.year_from is None and self.year_to is None
                and self.rating_count is None and self.modules is None)

    def patterns(self, base: str, leave_out: str | None = None) -> str:
        """The graph patterns that keep the selected modules in ?m (optionally ignoring one facet).

        Values enter the query only as IRIs built from slugs that match [a-z0-9-] and as integers.
        """
        lines = []
        if self.modules is not None:
            lines.append("VALUES ?m { " + " ".join(f"<{iri}>" for iri in self.modules if ">" not in iri) + " }")
        for facet in FACETS:
            if facet.name == leave_out:
                continue
            for slug in self.values.get(facet.name, ()):
                lines.append(f"?m {facet.path} <{base}{facet.kind}/{slug}> .")
        if self.year_from is not None or self.year_to is not None:
            low, high = self.year_from or 0, self.year_to or 9999
            lines.append(f"FILTER EXISTS {{ ?m <{QK}literature>/{YEAR} ?year . "
                         f"FILTER (xsd:integer(SUBSTR(STR(?year), 1, 4)) >= {low} && xsd:integer(SUBSTR(STR(?year), 1, 4)) <= {high}) }}")
        if self.rating_count is not None:
            lines.append(f"?m <{QK}assessment>/<https://schema.org/ratingCount> {self.rating_count} .")
        return "\n  ".join(lines)


def selection_from(args) -> Selection:
    """Read the facet parameters; a malformed value is a 400 naming the parameter."""
    values = {}
    for facet in FACETS:
        chosen = tuple(dict.fromkeys(v for raw in args.getlist(facet.name) for v in raw.split(",") if v))
        if len(chosen) > MAX_VALUES:
            raise QueryRejected(f"parameter '{facet.name}' takes at most {MAX_VALUES} values, found {len(chosen)}", facet.name)
        for slug in chosen:
            if not SLUG.match(slug):
                raise QueryRejected(f"parameter '{facet.name}' takes the last part of a {facet.kind} IRI, found {slug[:40]!r}", facet.name)
        values[facet.name] = chosen
    numbers = {}
    for name in ("year_from", "year_to", "rating_count"):
        raw = args.get(name)
        if raw is not None and raw != "":
            if not raw.isdigit() or len(raw) > 6:
                raise QueryRejected(f"parameter '{name}' must be a whole number, found {raw[:20]!r}", name)
            numbers[name] = int(raw)
    return Selection(values, **numbers)


def modules_query(base: str, selection: Selection, limit: int, offset: int) -> str:
    return f"""PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?m ?n ?title WHERE {{
  ?m a <{QK}Module> ; <{QK}moduleNumber> ?n .
  {selection.patterns(base)}
  OPTIONAL {{ ?m <http://www.w3.org/2000/01/rdf-schema#label> ?title }}
}} ORDER BY ?n LIMIT {limit} OFFSET {offset}"""


def count_query(base: str, selection: Selection) -> str:
    return f"""PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT (COUNT(DISTINCT ?m) AS ?count) WHERE {{ ?m a <{QK}Module> . {selection.patterns(base)} }}"""


def facet_query(base: str, selection: Selection, facet: Facet) -> str:
    """Counts of the facet's values among the modules the selection keeps."""
    return f"""PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
SELECT ?value (SAMPLE(?l) AS ?label) (COUNT(DISTINCT ?m) AS ?count) WHERE {{
  ?m a <{QK}Module> .
  {selection.patterns(base)}
  ?m {facet.path} ?value .
  OPTIONAL {{ ?value {LABELS} ?l }}
}} GROUP BY ?value ORDER BY DESC(?count) ?label LIMIT 50"""
