"""Chain the stages once: source pages -> model -> RDF -> SHACL gate -> a new store swapped in."""

from __future__ import annotations

import gc
import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from rdflib import Graph

from .config import ROOT, Settings
from . import changes, relations, search
from .errors import DiskError, SourcePageError, StoreError
from .figure import draw, relation_edges
from .model import ParsedPage
from .rdf.mapping import Partition, to_partition
from .rdf.namespaces import bind_prefixes
from .rdf.places import PlaceLinks, link_places
from .rdf.uris import Minter
from .source import SourceFile, assemble, mirror_files
from .source.boilerplate import drop_repeated
from .source.files import MANIFEST, load_source, parse_loaded
from .rdf.description import LINK_PREDICATES, TARGETS, Publisher, describe_dataset, statistics
from .store import BuildInfo, NewStore, build_lock, uploader
from .store.local import CURRENT, META
from .validate import check_partition, gate_violations, load_shapes

PAGE_SUFFIXES = (".txt", ".html", ".htm")
CHUNK = 250  # modules validated and loaded together


@dataclass
class Batch:
    """Pages read from a set of files: what was read, and what could not be."""

    pages: list[ParsedPage] = field(default_factory=list)
    failures: list[SourcePageError] = field(default_factory=list)
    dropped_by_markup: int = 0  # lines of the sites' chrome the content finder dropped
    dropped_repeated: int = 0  # lines the boilerplate net dropped
    places: PlaceLinks = field(default_factory=PlaceLinks)  # what linking the places to GeoNames found

    @property
    def skipped_anything(self) -> bool:
        return bool(self.failures) or any(p.skipped_anything for p in self.pages)


def ingest_time() -> datetime:
    """Now, or SOURCE_DATE_EPOCH when set, so that rebuilding the same pages gives the same graph."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    return datetime.fromtimestamp(int(epoch), timezone.utc) if epoch else datetime.now(timezone.utc).replace(microsecond=0)


def page_files(paths: Iterable[Path], url: str | None = None) -> list[SourceFile]:
    """Expand folders into their pages, sorted: a mirror folder (made by fetch) with each page's address, any
    other folder's page files by name; a file is taken as given, at `url` if that is given."""
    out = []
    for path in map(Path, paths):
        if path.is_dir() and _is_mirror(path):
            out.extend(mirror_files(path))
        elif path.is_dir():
            out.extend(SourceFile(p) for p in sorted(path.iterdir()) if p.suffix.lower() in PAGE_SUFFIXES and p.is_file())
        else:
            out.append(SourceFile(path, url))
    return out


def _is_mirror(folder: Path) -> bool:
    """A mirror holds a manifest, or folders named like hosts."""
    return (folder / MANIFEST).is_file() or any(p.is_dir() and "." in p.name for p in folder.iterdir())


def read_pages(files: list[SourceFile], number: int | None = None, progress: Callable[[Path], None] | None = None) -> Batch:
    """Read every file, drop the lines its site repeats on most pages (source.boilerplate), and assemble each module
    from all its pages; a broken page is recorded as a failure and the others are still read.

    Paths inside the project are kept relative to it, so that the graph names no machine's folders.
    """
    batch = Batch()
    loaded = []
    for file in files:
        try:
            loaded.append(load_source(file, shown_as=str(_relative(file.path))))
        except SourcePageError as err:
            batch.failures.append(err)
        if progress:
            progress(file.path)
    batch.dropped_by_markup = sum(page.dropped_lines for page in loaded)
    loaded = drop_repeated(loaded)
    batch.dropped_repeated = sum(page.dropped_lines for page in loaded) - batch.dropped_by_markup
    by_number: dict[int, list[ParsedPage]] = {}
    for page in loaded:
        try:
            parsed = parse_loaded(page, number)
            by_number.setdefault(parsed.module.number, []).append(parsed)
        except SourcePageError as err:
            batch.failures.append(err)
    batch.pages = [assemble(pages) for _, pages in sorted(by_number.items())]
    return batch


def _relative(path: Path) -> Path:
    try:
        return Path(path).resolve().relative_to(ROOT)
    except ValueError:
        return Path(path)


def data_partition(batch: Batch, settings: Settings) -> Partition:
    """The instance data: the modules, their places linked to GeoNames (recorded in the batch), plus the curated
    Turtle under data/, grouped by what it describes."""
    partition = to_partition((p.module for p in batch.pages), settings.base_iri, ingest_time())
    batch.places = link_places(partition, Minter(settings.base_iri))
    store = Path(settings.store_dir).resolve()
    for ttl in sorted(Path(settings.source_dir).rglob("*.ttl")):
        if store in ttl.resolve().parents:  # a store kept inside the source folder is output, not input
            continue
        for triple in Graph().parse(ttl, format="turtle"):
            partition.add(triple)
    return partition


def data_graph(batch: Batch, settings: Settings) -> Graph:
    """The instance data as one graph."""
    return data_partition(batch, settings).graph()


def turtle_graph(directory: Path) -> Graph:
    graph = bind_prefixes(Graph())
    for path in sorted(Path(directory).glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


Progress = Callable[[str, int], Callable[[int], None]]  # (stage, total) -> advance(n)


def published(root: Path) -> tuple[str, Path] | None:
    """(version, folder) of the build now served from `root`, if there is one."""
    current = Path(root) / CURRENT
    if not (current / META).is_file():
        return None
    return json.loads((current / META).read_text(encoding="utf-8"))["version"], current.resolve()


def relate(select, folder: Path) -> None:
    """The relations between modules and their picture, once per build (the explorer reads them from the folder)."""
    rows = relations.compute(select)
    relations.write(rows, folder)
    numbers = [int(row["n"]["value"]) for row in select(relations.MODULES)]
    draw(numbers, relation_edges((r[0], r[1], r[3], r[4]) for r in rows), folder / relations.PICTURE)


def build(settings: Settings, progress: Progress | None = None) -> tuple[BuildInfo, Batch]:
    """Read data/modules and data/sources, validate, and publish a new store with dumps and the dataset's description.

    Raises ValidationFailed and publishes nothing if the data does not conform; StoreError if another build
    of the same store folder is running; DiskError, naming the path, on a full or read-only disk. `progress` is
    told each stage's size and then how far it got.
    """
    try:
        with build_lock(settings.store_dir):
            return _build(settings, progress)
    except (OSError, ValueError, StoreError) as err:  # ValueError: tantivy's, for what it could not write
        short = DiskError.of(err, settings.store_dir, "nothing was published (a build served before stays)")
        if short is None:
            raise
        raise short from err


def _build(settings: Settings, progress: Progress | None) -> tuple[BuildInfo, Batch]:
    step = progress or (lambda stage, total: lambda n: None)
    files = page_files(folder for folder in (Path(settings.source_dir) / "modules", Path(settings.source_dir) / "sources")
                       if folder.is_dir())
    advance = step("reading pages", len(files))
    batch = read_pages(files, progress=lambda _: advance(1))
    partition = data_partition(batch, settings)
    shapes = load_shapes(settings.shapes_dir)
    chunks = partition.chunks(CHUNK)
    gate_violations(check_partition(partition, shapes, CHUNK, settings.build_processes,
                                    step("validating", sum(map(len, chunks)))))
    mint = Minter(settings.base_iri)
    data = str(mint.graph("data"))
    with NewStore(settings.store_dir) as new:
        advance = step("loading", len(chunks))
        for keys in chunks:
            new.load_triples(data, {t for key in keys for t in partition.groups[key]})
            advance(1)
        new.load(str(mint.graph("ontology")), turtle_graph(settings.ontology_dir))
        new.load(str(mint.graph("shapes")), load_shapes(settings.shapes_dir))  # as written: pyshacl adds to the one it used
        advance = step("describing", 1)
        graphs = list(new.counts)
        gc.collect()  # the stages before left engine objects in cycles: freed here, not in a dump writer's thread
        dumps = new.dump(graphs)
        link_dumps = new.dump_links(data, LINK_PREDICATES, {space: name for space, (name, _) in TARGETS.items()})
        relate(new.select, new.dir)
        search.write_index(search.texts(new.select), new.dir)
        built_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        history = changes.record(new.dir, published(settings.store_dir), new.version, built_at, changes.summarise(new.select))
        stats = statistics(new.select, settings.base_iri, data, graphs)
        publisher = Publisher(settings.publisher_name, settings.publisher_url, settings.contact_email, settings.license)
        lists = sorted({str(s)[len(settings.base_iri):].split("/", 1)[0] for s in partition.types
                        if str(s).startswith(settings.base_iri) and str(s)[len(settings.base_iri):].count("/") == 1})
        kept = {p.name for p in (Path(settings.store_dir) / "builds").iterdir()}
        meta = describe_dataset(settings.base_iri, new.version, built_at, new.counts, stats, dumps, publisher, lists,
                                [{**v, "kept": v["version"] in kept} for v in history], link_dumps)
        new.load(str(mint.graph("meta")), meta)
        advance(1)
        return new.publish(uploader(settings)), batch
