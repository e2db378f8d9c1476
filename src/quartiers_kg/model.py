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


# Where the toolbox publishes a module: its print page, and the current site's module folders.
PRINT_URL = "https://www.aq-nrw.de/assets/default/druck/module/druck_{number:02d}.html"
WEB_ROOT = "https://www.iat.eu/aq-nrw/modulbaukasten/"

PROSE, CONCEPTS, OWN = "prose", "concepts", "own"


@dataclass(frozen=True)
class Section:
    """One section of the page template: everything the stages need to know of it, in one entry.

    `form`: PROSE (a text; `field` holds it, `properties[0]` carries it), CONCEPTS (lines that are values
    of the concept scheme `scheme`, linked by `properties[0]`), or OWN (a reader, renderer and mapping of
    its own, under the section's key). `headings`: as printed, the print page's spelling first.
    `items`: its lines are values, so a short line there is an item, never an unknown heading.
    `properties`: the terms (CURIEs) the section's values are stated with, in the order a page shows them.
    `tab`: the web sub-page that holds it ("" the module folder's overview; None: not seen on the web).
    `optional`: a page may lack it without being cut off.
    """

    key: str
    headings: tuple[str, ...]
    form: str
    properties: tuple[str, ...]
    field: str | None = None
    scheme: str | None = None
    items: bool = False
    tab: str | None = None
    optional: bool = False


# The sections in template order (SOURCE-FORMAT.md §1); the last is the one a complete page ends with.
SECTIONS: tuple[Section, ...] = (
    Section("objective", ("Zielsetzung", "Übersicht"), PROSE, ("qk:objective",), "objective", tab=""),
    Section("assessment", ("Einschätzungen zu diesem Modul von Nutzerinnen und Nutzer",
                           "Einschätzungen zu diesem Modul von Nutzerinnen und Nutzern"), OWN, ("qk:assessment",), items=True, tab=""),
    Section("user_roles", ("Anwenderinnen und Anwender",), CONCEPTS, ("qk:userRole",), "user_roles", "user-role", True),
    Section("target_groups", ("Zielgruppe", "Zielgruppen"), CONCEPTS, ("qk:targetGroup",), "target_groups", "target-group", True),
    Section("fields_of_action", ("Handlungsfelder",), CONCEPTS, ("qk:fieldOfAction",), "fields_of_action", "field-of-action", True),
    Section("implementation", ("Umsetzung und Durchführung",), OWN,
            ("qk:implementation", "qk:implementationItem", "qk:networkType", "qk:idealNetworkSize"), tab="umsetzung-und-durchfuehrung"),
    Section("steps", ("Wichtige Umsetzungsschritte / Aufwandsabschätzung",), OWN, ("qk:stepsText", "schema:step"),
            tab="wichtige-umsetzungsschritte-aufwandsabschaetzung"),
    Section("pitfalls", ("Stolpersteine",), OWN, ("qk:pitfall",), items=True, tab="stolpersteine-bewertung"),
    Section("evaluation", ("Bewertung",), PROSE, ("qk:evaluation",), "evaluation", tab="stolpersteine-bewertung"),
    Section("case_examples", ("Fallbeispiele",), OWN, ("qk:caseExamplesText", "qk:caseExample"), items=True),
    Section("contacts", ("Kontakte / AnsprechpartnerInnen",), PROSE, ("qk:contacts",), "contacts", optional=True),
    Section("funding", ("Finanzierung",), CONCEPTS, ("qk:fundingSource",), "funding", "funding", True),
    Section("advice", ("Beratung",), PROSE, ("qk:advice",), "advice"),
    Section("comments", ("Nutzerinnen- und Nutzerkommentare",), OWN, ("qk:userComment",)),
    Section("projects", ("Projekte",), OWN, ("qk:project",), items=True),
    Section("related", ("Weitere Module, die Sie auch interessieren könnten",), OWN, ("qk:relatedModule",), items=True),
    Section("literature", ("Literatur",), OWN, ("qk:literature",), items=True),
    Section("links", ("Links",), OWN, ("qk:link",), items=True),
)


@dataclass(frozen=True)
class Problem:
    """Something a reader of the page should know: where, what, and whether data was skipped."""

    line: int | None
    message: str
    skipped: bool = False


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
    """A page that was read: the file, the address it was published at, its checksum, when it was fetched.

    `tab` is the web sub-page ("" the overview) or None for a print page; `page` and `pages` are the web
    footer's "Seite X / N"; `dropped`: lines of the page dropped as the site's own (menus, footers, notices).
    """

    path: str
    url: str | None
    sha256: str
    retrieved: str | None = None
    tab: str | None = None
    page: int | None = None
    pages: int | None = None
    dropped: int = 0


@dataclass(frozen=True)
class Reading:
    """Where one section's values were read: the page and its lines (the heading's line first).

    `taken`: the module's values of the section are these (False: another page's reading won the merge).
    """

    section: str
    source: SourceInfo
    first_line: int
    last_line: int
    taken: bool = True


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
    readings: tuple[Reading, ...] = ()
    cut_off: str | None = None  # the section a cut-off page ends in

    @property
    def sources(self) -> tuple[SourceInfo, ...]:
        """Every page something of this module was read from, the primary one first."""
        found = ([self.source] if self.source else []) + [r.source for r in self.readings]
        return tuple(dict.fromkeys(found))



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
