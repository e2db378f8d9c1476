"""The parsed module page: frozen dataclasses and the toolbox's known value sets. No RDF, no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Dimension:
    """One of the six assessment scales: a label and its two poles (low first)."""

    key: str
    label: str
    low: str
    high: str


# The six sliders of every module page. A print page shows only the high pole of each: it is the
# slider's static right-hand label, not the module's rating (SOURCE-FORMAT.md §2).
DIMENSIONS: tuple[Dimension, ...] = (
    Dimension("prozessphase", "Prozessphase", "eignet sich zur Analyse / Planung", "eignet sich zur konkreten Umsetzung"),
    Dimension("zeitaufwand", "Zeitaufwand", "lässt sich schnell umsetzen", "bedarf längerer Vorbereitung"),
    Dimension("personalaufwand", "Personalaufwand", "geringer personeller Einsatz nötig", "ist sehr personalintensiv"),
    Dimension("finanzieller-aufwand", "Finanzieller Aufwand", "ist mit geringen Kosten verbunden", "ist sehr kostenintensiv"),
    Dimension("partizipation", "Partizipation", "hat einen geringen Beteiligungsgrad", "hat einen hohen Beteiligungsgrad"),
    Dimension("komplexitaet", "Komplexität", "keine Vorkenntnisse erforderlich", "bedarf professioneller Unterstützung"),
)

# Network types named in the toolbox (module 116); a list item that starts with one of them is that type.
NETWORK_TYPES: tuple[str, ...] = (
    "Gemeinde- und stadtteilorientierte Netzwerke",
    "Netzwerke professioneller Organisationen",
    "Projektbezogene Netzwerke / Soziale Netzwerke",
)


@dataclass(frozen=True)
class Problem:
    """Something a reader of the page should know: where, what, and whether data was skipped."""

    line: int | None
    message: str
    skipped: bool = False


@dataclass(frozen=True)
class NetworkType:
    label: str
    description: str


@dataclass(frozen=True)
class NetworkSize:
    minimum: int
    maximum: int
    unit: str


@dataclass(frozen=True)
class CaseExample:
    label: str
    name: str | None = None
    acronym: str | None = None


@dataclass(frozen=True)
class Project:
    name: str
    town: str | None


@dataclass(frozen=True)
class ModuleRef:
    number: int
    title: str


@dataclass(frozen=True)
class Literature:
    """A reference; `parsed` is False when it could not be split and only `citation` is known."""

    citation: str
    authors: tuple[str, ...] = ()
    more_authors: bool = False
    year: str | None = None
    title: str | None = None
    place: str | None = None
    publisher: str | None = None
    edition: str | None = None
    parsed: bool = True


@dataclass(frozen=True)
class ExtraSection:
    """A section under a heading the template does not know; kept, not dropped."""

    heading: str
    text: str


@dataclass(frozen=True)
class SourceInfo:
    path: str
    url: str | None
    sha256: str


@dataclass(frozen=True)
class Module:
    """Everything one module page says. Empty sections are empty tuples or None, never placeholders."""

    number: int
    title: str | None = None
    objective: str | None = None
    rating_count: int | None = None
    user_roles: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()
    fields_of_action: tuple[str, ...] = ()
    implementation: str | None = None
    implementation_items: tuple[str, ...] = ()
    network_size: NetworkSize | None = None
    steps_text: str | None = None
    steps: tuple[str, ...] = ()
    pitfalls: tuple[str, ...] = ()
    evaluation: str | None = None
    case_examples: tuple[CaseExample, ...] = ()
    case_examples_text: str | None = None
    contacts: str | None = None
    funding: tuple[str, ...] = ()
    advice: str | None = None
    comments: tuple[str, ...] = ()
    projects: tuple[Project, ...] = ()
    related: tuple[ModuleRef, ...] = ()
    literature: tuple[Literature, ...] = ()
    links: tuple[str, ...] = ()
    extra_sections: tuple[ExtraSection, ...] = ()
    text: str | None = None
    incomplete: bool = False
    source: SourceInfo | None = None


    @property
    def network_types(self) -> tuple[NetworkType, ...]:
        """The implementation list items that describe a known network type (they start with its name)."""
        found = []
        for item in self.implementation_items:
            label = network_type_of(item)
            if label:
                found.append(NetworkType(label, item))
        return tuple(found)


def network_type_of(text: str) -> str | None:
    """The known network type a list item describes, if it starts with its name.

    >>> network_type_of("Netzwerke professioneller Organisationen zielen auf ...")
    'Netzwerke professioneller Organisationen'
    """
    folded = " ".join(text.split()).casefold()
    return next((label for label in NETWORK_TYPES if folded.startswith(label.casefold())), None)


@dataclass(frozen=True)
class ParsedPage:
    """A module and what the reader noticed on the way."""

    module: Module
    problems: tuple[Problem, ...] = field(default_factory=tuple)

    @property
    def skipped_anything(self) -> bool:
        return self.module.incomplete or any(p.skipped for p in self.problems)
