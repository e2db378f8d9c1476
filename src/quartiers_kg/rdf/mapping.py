"""Model -> rdflib Graph. Shared things (funding, towns, projects, ...) get one IRI across modules."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, SKOS

from ..model import CONCEPTS, DIMENSIONS, PRINT_URL, PROSE, SECTIONS, Literature, Module, network_type_of
from .namespaces import PAV, QK, SCHEMA, bind_prefixes, term
from .uris import Minter

SCHEMES = {
    "network-type": (QK.NetworkType, "Netzwerktypen", "Network types"),
    "funding": (QK.FundingSource, "Finanzierungsquellen", "Funding sources"),
    "user-role": (QK.UserRole, "Anwenderinnen und Anwender", "User roles"),
    "target-group": (QK.TargetGroup, "Zielgruppen", "Target groups"),
    "field-of-action": (QK.FieldOfAction, "Handlungsfelder", "Fields of action"),
    "assessment": (QK.AssessmentDimension, "Einschätzungsskalen", "Assessment scales"),
    "section": (QK.TemplateSection, "Abschnitte einer Modulseite", "Sections of a module page"),
}


def de(text: str) -> Literal:
    return Literal(text, lang="de")


class Partition:
    """The triples of a batch, grouped by the thing they describe: a module with the IRIs below it, or
    any other subject on its own (a funding source, a town, a literature item, ...).

    A group holds every triple about its subjects, so a group plus the types of the IRIs it points to
    is all that the per-class shapes read: groups can be validated apart, in parallel.
    """

    def __init__(self, base: str):
        self.module_prefix = base + "module/"
        self.groups: dict[str, list[tuple]] = defaultdict(list)
        self.types: dict[URIRef, set] = defaultdict(set)

    def owner(self, subject) -> str:
        text = str(subject)
        if text.startswith(self.module_prefix):
            return self.module_prefix + text[len(self.module_prefix):].split("/", 1)[0]
        return text

    def add(self, triple: tuple) -> None:
        self.groups[self.owner(triple[0])].append(triple)
        if triple[1] == RDF.type:
            self.types[triple[0]].add(triple[2])

    def graph(self, owners: Iterable[str] | None = None, with_types: bool = False) -> Graph:
        """The triples of some groups (default: all) as one graph; with the types of the IRIs they point to."""
        g = bind_prefixes(Graph())
        for owner in self.groups if owners is None else owners:
            for triple in self.groups[owner]:
                g.add(triple)
                if with_types and triple[2] in self.types:
                    for t in self.types[triple[2]]:
                        g.add((triple[2], RDF.type, t))
        return g

    def subjects(self, owners: Iterable[str]) -> list:
        """The subjects the given groups describe."""
        return list(dict.fromkeys(t[0] for owner in owners for t in self.groups[owner]))

    def chunks(self, size: int) -> list[list[str]]:
        """The group keys in lists: `size` modules, or ten times as many other subjects, per list."""
        modules = sorted(k for k in self.groups if k.startswith(self.module_prefix))
        others = sorted(k for k in self.groups if not k.startswith(self.module_prefix))
        return [modules[i:i + size] for i in range(0, len(modules), size)] + \
            [others[i:i + size * 10] for i in range(0, len(others), size * 10)]


class _Mapper:
    """Maps a batch of modules; remembers labels so a shared IRI keeps one prefLabel."""

    def __init__(self, base: str, ingested_at: datetime):
        self.mint = Minter(base)
        self.partition = Partition(base)
        self.ingested_at = ingested_at
        self.labels: dict[URIRef, str] = {}

    def add(self, s, p, o) -> None:
        self.partition.add((s, p, o))

    def label(self, node: URIRef, text: str, prop=RDFS.label) -> None:
        """First label seen is the label; a different spelling of the same key becomes skos:altLabel."""
        if node not in self.labels:
            self.labels[node] = text
            self.add(node, prop, de(text))
        elif self.labels[node] != text:
            self.add(node, SKOS.altLabel, de(text))

    def concept(self, kind: str, text: str) -> URIRef:
        node = self.mint.keyed(kind, text)
        cls = SCHEMES[kind][0]
        self.add(node, RDF.type, cls)
        self.add(node, RDF.type, SKOS.Concept)
        self.add(node, SKOS.inScheme, self.mint.iri("scheme", kind))
        self.label(node, text, SKOS.prefLabel)
        return node

    def vocabulary(self) -> None:
        """The concept schemes and the six two-pole scales: the same for every module page."""
        for kind, (cls, label_de, label_en) in SCHEMES.items():
            scheme = self.mint.iri("scheme", kind)
            self.add(scheme, RDF.type, SKOS.ConceptScheme)
            self.add(scheme, SKOS.prefLabel, de(label_de))
            self.add(scheme, SKOS.prefLabel, Literal(label_en, lang="en"))
        for section in SECTIONS:
            node = self.mint.section(section.key)
            for t in (QK.TemplateSection, SKOS.Concept):
                self.add(node, RDF.type, t)
            self.add(node, SKOS.prefLabel, de(section.headings[0]))
            self.add(node, SKOS.inScheme, self.mint.iri("scheme", "section"))
            self.add(node, SCHEMA.position, Literal(SECTIONS.index(section) + 1))
        scales = self.mint.iri("scheme", "assessment")
        for dim in DIMENSIONS:
            scale = self.mint.scale(dim.key)
            for t in (QK.AssessmentDimension, SKOS.ConceptScheme, SKOS.Concept):
                self.add(scale, RDF.type, t)
            self.add(scale, SKOS.prefLabel, de(dim.label))
            self.add(scale, SKOS.inScheme, scales)
            self.add(scales, SKOS.hasTopConcept, scale)
            for rank, pole_key, text, prop in ((0, "low", dim.low, QK.lowPole), (1, "high", dim.high, QK.highPole)):
                pole = self.mint.scale(dim.key, pole_key)
                self.add(pole, RDF.type, QK.ScalePole)
                self.add(pole, RDF.type, SKOS.Concept)
                self.add(pole, SKOS.prefLabel, de(text))
                self.add(pole, SKOS.inScheme, scale)
                self.add(pole, SKOS.topConceptOf, scale)
                self.add(pole, QK.poleRank, Literal(rank))
                self.add(scale, prop, pole)

    def module(self, m: Module, titled: set[int]) -> None:
        mint, add = self.mint, self.add
        node = mint.module(m.number)
        add(node, RDF.type, QK.Module)
        add(node, QK.moduleNumber, Literal(m.number))
        if m.title:
            self.label(node, m.title)
        for section in SECTIONS:
            if section.form == PROSE and getattr(m, section.field):
                add(node, term(section.properties[0]), de(getattr(m, section.field)))
            elif section.form == CONCEPTS:
                for value in getattr(m, section.field):
                    add(node, term(section.properties[0]), self.concept(section.scheme, value))
        for prop, text in ((QK.implementation, m.implementation), (QK.stepsText, m.steps_text),
                           (QK.caseExamplesText, m.case_examples_text), (QK.pageText, m.text)):
            if text:
                add(node, prop, de(text))
        if m.incomplete:
            add(node, QK.incomplete, Literal(True))
        if m.rating_count is not None:
            for dim in DIMENSIONS:
                a = mint.part(m.number, "assessment", dim.key)
                add(node, QK.assessment, a)
                add(a, RDF.type, QK.Assessment)
                add(a, QK.dimension, mint.scale(dim.key))
                add(a, RDFS.label, de(f"{dim.label} (Einschätzung zu Modul {m.number})"))
                add(a, SCHEMA.itemReviewed, node)
                add(a, SCHEMA.ratingCount, Literal(m.rating_count))
        for i, text in enumerate(m.implementation_items, start=1):
            item = mint.part(m.number, "item", i)
            add(node, QK.implementationItem, item)
            add(item, RDF.type, QK.ListItem)
            add(item, SCHEMA.position, Literal(i))
            add(item, SCHEMA.text, de(text))
            if label := network_type_of(text):
                concept = self.concept("network-type", label)
                add(node, QK.networkType, concept)
                add(item, DCTERMS.subject, concept)
        if m.network_size:
            size = mint.part(m.number, "network-size", "ideal")
            add(node, QK.idealNetworkSize, size)
            add(size, RDF.type, SCHEMA.QuantitativeValue)
            add(size, SCHEMA.minValue, Literal(m.network_size.minimum))
            add(size, SCHEMA.maxValue, Literal(m.network_size.maximum))
            add(size, SCHEMA.unitText, de(m.network_size.unit))
        self._ordered(node, m.number, "step", SCHEMA.step, QK.Step, m.steps)
        self._ordered(node, m.number, "pitfall", QK.pitfall, QK.Pitfall, m.pitfalls)
        self._ordered(node, m.number, "comment", QK.userComment, SCHEMA.Comment, m.comments)
        for i, extra in enumerate(m.extra_sections, start=1):
            section = mint.part(m.number, "section", i)
            add(node, QK.extraSection, section)
            add(section, RDF.type, QK.ExtraSection)
            add(section, SCHEMA.position, Literal(i))
            if extra.heading:
                add(section, QK.heading, de(extra.heading))
            if extra.text:
                add(section, SCHEMA.text, de(extra.text))
        for case in m.case_examples:
            c = mint.keyed("case", case.label)
            add(node, QK.caseExample, c)
            add(c, RDF.type, QK.CaseExample)
            self.label(c, case.label)
            if case.name:
                add(c, SCHEMA.name, de(case.name))
            if case.acronym:
                add(c, SCHEMA.alternateName, de(case.acronym))
        for project in m.projects:
            p = mint.keyed("project", project.name, project.town or "")
            add(node, QK.project, p)
            add(p, RDF.type, QK.Project)
            self.label(p, project.name)
            if project.town:
                town = mint.keyed("place", project.town)
                add(p, SCHEMA.location, town)
                add(town, RDF.type, SCHEMA.Place)
                self.label(town, project.town)
        for ref in m.related:
            r = mint.module(ref.number)
            add(node, QK.relatedModule, r)
            add(r, RDF.type, QK.Module)
            add(r, QK.moduleNumber, Literal(ref.number))
            if ref.number not in titled:  # known only by this reference: where it could be read
                self.label(r, ref.title)
                add(r, RDFS.seeAlso, URIRef(PRINT_URL.format(number=ref.number)))
        for ref in m.literature:
            add(node, QK.literature, self._literature(ref))
        for text in m.links:
            link = mint.keyed("link", text)
            add(node, QK.link, link)
            add(link, RDF.type, QK.WebLink)
            self.label(link, text)
        self._provenance(node, m)

    def _ordered(self, node, number, kind, prop, cls, texts) -> None:
        for i, text in enumerate(texts, start=1):
            item = self.mint.part(number, kind, i)
            self.add(node, prop, item)
            self.add(item, RDF.type, cls)
            self.add(item, SCHEMA.position, Literal(i))
            self.add(item, SCHEMA.text, de(text))

    def _literature(self, ref: Literature) -> URIRef:
        key = [ref.authors[0] if ref.authors else "", ref.year or "", ref.title or ref.citation]
        node = self.mint.keyed("literature", *key)
        add = self.add
        add(node, RDF.type, QK.LiteratureItem)
        add(node, DCTERMS.bibliographicCitation, de(ref.citation))
        if not ref.parsed:
            add(node, QK.unsplit, Literal(True))
            return node
        self.label(node, ref.title)
        add(node, DCTERMS.title, de(ref.title))
        for author in ref.authors:
            agent = self.mint.keyed("agent", author)
            add(node, DCTERMS.creator, agent)
            add(agent, RDF.type, FOAF.Agent)
            self.label(agent, author, FOAF.name)
        if ref.more_authors:
            add(node, QK.moreAuthors, Literal(True))
        if ref.year:
            year = Literal(ref.year, datatype=XSD.gYear) if re.fullmatch(r"\d{4}", ref.year) else de(ref.year)
            add(node, DCTERMS.issued, year)
        if ref.place:
            add(node, QK.publicationPlace, de(ref.place))
        if ref.publisher:
            publisher = self.mint.keyed("agent", ref.publisher)
            add(node, DCTERMS.publisher, publisher)
            add(publisher, RDF.type, FOAF.Agent)
            self.label(publisher, ref.publisher, FOAF.name)
        if ref.edition:
            add(node, SCHEMA.bookEdition, de(ref.edition))
        return node

    def _provenance(self, node: URIRef, m: Module) -> None:
        """Every page read, what was read from which lines of it, and what of the template was not read."""
        if not m.sources:
            return
        activity = self.mint.iri("activity", "ingest", m.number)
        add = self.add
        add(node, PROV.wasGeneratedBy, activity)
        add(activity, RDF.type, PROV.Activity)
        add(activity, RDFS.label, Literal(f"Einlesen von {', '.join(s.path for s in m.sources)}", lang="de"))
        add(activity, PROV.endedAtTime, Literal(self.ingested_at, datatype=XSD.dateTime))
        for source in m.sources:
            page = URIRef(source.url)
            add(node, DCTERMS.source, page)
            add(node, PROV.wasDerivedFrom, page)
            add(activity, PROV.used, page)
            add(page, RDF.type, QK.SourcePage)
            add(page, QK.sha256, Literal(source.sha256))
            where = "Druckseite" if source.tab is None else f"Webseite, Reiter {source.tab}" if source.tab else "Webseite, Übersicht"
            self.label(page, f"{where} (Modul {m.number})")
            if source.retrieved:
                add(page, PAV.retrievedOn, Literal(source.retrieved, datatype=XSD.dateTime))
            if source.tab is not None:
                add(page, QK.webTab, Literal(source.tab))
            if source.page:
                add(page, QK.pageNumber, Literal(source.page))
            add(page, QK.droppedLines, Literal(source.dropped))
        for i, reading in enumerate(m.readings, start=1):
            derivation = self.mint.part(m.number, "reading", i)
            add(node, PROV.qualifiedDerivation, derivation)
            add(derivation, RDF.type, PROV.Derivation)
            add(derivation, PROV.entity, URIRef(reading.source.url))
            add(derivation, PROV.hadActivity, activity)
            add(derivation, QK.section, self.mint.section(reading.section))
            add(derivation, QK.firstLine, Literal(reading.first_line))
            add(derivation, QK.lastLine, Literal(reading.last_line))
            add(derivation, QK.taken, Literal(reading.taken))
        read = {r.section for r in m.readings}
        for section in SECTIONS:
            if section.key in read:
                add(node, QK.sectionRead, self.mint.section(section.key))
            elif m.readings and not section.optional:
                add(node, QK.sectionMissing, self.mint.section(section.key))
        if m.cut_off:
            add(node, QK.cutOffIn, self.mint.section(m.cut_off))
        pages = max((s.pages for s in m.sources if s.pages), default=None)
        if pages:
            add(node, QK.webPageCount, Literal(pages))
            seen = {s.page for s in m.sources if s.page}
            for missing in sorted(set(range(1, pages + 1)) - seen):
                add(node, QK.webPageMissing, Literal(missing))


def to_partition(modules: Iterable[Module], base: str, ingested_at: datetime) -> Partition:
    """Map modules to triples grouped by what they describe; cross-references resolve to the same IRI."""
    modules = list(modules)
    mapper = _Mapper(base, ingested_at)
    mapper.vocabulary()
    titled = {m.number for m in modules if m.title}
    for m in sorted(modules, key=lambda m: m.number):
        mapper.module(m, titled)
    return mapper.partition
