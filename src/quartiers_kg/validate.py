"""The SHACL gate: run the shapes over a graph and say, readably, what is wrong and where."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pyshacl import validate as shacl_validate
from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import RDF

from .errors import ValidationFailed

SH = Namespace("http://www.w3.org/ns/shacl#")


@dataclass(frozen=True)
class Violation:
    focus: str
    path: str | None
    message: str
    value: str | None
    severity: str

    def __str__(self) -> str:
        where = f"{self.focus} {self.path}" if self.path else self.focus
        found = f" (found: {self.value})" if self.value else ""
        return f"{self.severity}: {where}: {self.message}{found}"


def load_shapes(shapes_dir: Path) -> Graph:
    graph = Graph()
    for path in sorted(Path(shapes_dir).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def check(data: Graph, shapes: Graph) -> list[Violation]:
    """Every SHACL result for `data`, as readable violations (empty when it conforms)."""
    _, report, _ = shacl_validate(data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True)
    out = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        def one(p):
            value = report.value(result, p)
            return None if value is None else _short(data, value)

        message = one(SH.resultMessage) or one(SH.sourceConstraintComponent) or "constraint not met"
        severity = str(report.value(result, SH.resultSeverity)).rsplit("#", 1)[-1]
        out.append(Violation(one(SH.focusNode), one(SH.resultPath), message, one(SH.value), severity))
    return sorted(out, key=lambda v: (v.focus or "", v.path or "", v.message))


def gate(data: Graph, shapes: Graph) -> None:
    """Raise ValidationFailed with the report unless `data` conforms (warnings pass)."""
    violations = [v for v in check(data, shapes) if v.severity == "Violation"]
    if violations:
        raise ValidationFailed("\n".join(str(v) for v in violations), len(violations))


def _short(graph: Graph, term) -> str:
    return term.n3(graph.namespace_manager) if isinstance(term, URIRef) else str(term)
