"""The quartiers-kg command: a thin click group; the work lives in the stages."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .config import Settings
from .errors import QuartiersError, ValidationFailed
from .formats import BY_NAME, FORMATS, GRAPH, SOLUTIONS, of_kind
from .rdf.namespaces import PREFIXES


def _settings(ctx: click.Context) -> Settings:
    return ctx.obj


def _fail(err: QuartiersError) -> None:
    click.echo(f"error: {err}", err=True)
    sys.exit(1)


@click.group()
@click.option("--store-dir", type=click.Path(path_type=Path), help="where built stores live (QKG_STORE_DIR)")
@click.option("--source-dir", type=click.Path(path_type=Path), help="source pages and curated Turtle (QKG_SOURCE_DIR)")
@click.option("--base-iri", help="canonical IRI base of the dataset (QKG_BASE_IRI)")
@click.option("--store", help="a remote SPARQL engine, sparql+http://host/path of its query endpoint (QKG_STORE); "
              "credentials only from QKG_STORE_USER and QKG_STORE_PASSWORD")
@click.version_option(package_name="quartiers-kg")
@click.pass_context
def main(ctx: click.Context, store_dir, source_dir, base_iri, store) -> None:
    """Build, validate, query and serve the Modulbaukasten knowledge graph."""
    try:
        ctx.obj = Settings.from_env(store_dir=store_dir, source_dir=source_dir, base_iri=base_iri, store=store)
    except QuartiersError as err:
        raise click.UsageError(str(err)) from err


def _report(batch) -> None:
    if batch.places.linked or batch.places.ambiguous or batch.places.not_found:
        click.echo(f"places: {batch.places.line()}", err=True)
        for warning in batch.places.warnings():
            click.echo(f"warning: {warning}", err=True)
    if batch.dropped_by_markup or batch.dropped_repeated:
        click.echo(f"dropped as the sites' own text: {batch.dropped_by_markup} lines by the pages' markup, "
                   f"{batch.dropped_repeated} lines repeated on most pages of a site", err=True)
    for err in batch.failures:
        click.echo(f"{err}", err=True)
    for page in batch.pages:
        m = page.module
        path = m.source.path if m.source else f"module {m.number}"
        state = "incomplete" if m.incomplete else "complete"
        click.echo(f"{path}: module {m.number}{f' {m.title!r}' if m.title else ''}, {state}, {len(page.problems)} problem(s)", err=True)
        for p in page.problems:
            where = f"{path}:{p.line}" if p.line else path
            click.echo(f"{where}: {'skipped: ' if p.skipped else 'warning: '}{p.message}", err=True)


@main.command()
@click.pass_context
def build(ctx: click.Context) -> None:
    """Read data/, validate it, and publish a new store (the old one stays if anything fails).

    Exit 1 when a page was skipped or incomplete (the rest is still published) or nothing was published.
    """
    batch = _build(_settings(ctx))
    sys.exit(1 if batch.skipped_anything else 0)


class _Bars:
    """One progress bar per build stage, on a terminal only."""

    def __init__(self):
        self.bar = None

    def __call__(self, label: str, total: int):
        self.close()
        self.bar = click.progressbar(length=total, label=label.ljust(14), file=sys.stderr, hidden=not sys.stderr.isatty())
        self.bar.__enter__()
        return self.bar.update

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
            self.bar = None


def _build(settings: Settings):
    from .build import build as run_build

    bars = _Bars()
    try:
        info, batch = run_build(settings, progress=bars)
    except QuartiersError as err:
        _fail(err)
    finally:
        bars.close()
    _report(batch)
    graphs = ", ".join(f"{name.rsplit('/', 1)[-1]} {count}" for name, count in info.graphs.items())
    click.echo(f"built store {info.version}: {len(batch.pages)} pages, {info.triples} triples ({graphs})")
    return batch


def _build_apart(settings: Settings) -> None:
    """Build in a process of its own: the server's processes must not inherit the store engine's threads through
    fork (a worker that inherited them hangs on its way out)."""
    import os
    import subprocess

    subprocess.run([sys.executable, "-m", "quartiers_kg", "build"], env={**os.environ, **settings.as_env()}, check=False)
    from .store import is_published

    if not is_published(settings):
        _fail(QuartiersError(f"the build published nothing in {settings.store or settings.store_dir}"))


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.pass_context
def validate(ctx: click.Context, paths: tuple[Path, ...]) -> None:
    """Check pages or Turtle files (default: data/) against the SHACL shapes; exit 1 on any violation.

    Checks group by group in QKG_BUILD_PROCESSES processes, as `build` does.
    """
    from rdflib import Graph

    from .build import CHUNK, data_partition, page_files, read_pages
    from .rdf.mapping import Partition
    from .validate import check_partition, gate_violations, load_shapes

    settings = _settings(ctx)
    turtle = [p for p in paths if p.suffix == ".ttl"]
    pages = [p for p in paths if p.suffix != ".ttl"] or ([] if turtle else [Path(settings.source_dir) / "modules"])
    batch = read_pages(page_files(pages))
    _report(batch)
    partition = data_partition(batch, settings) if pages else Partition(settings.base_iri)
    for path in turtle:
        try:
            for triple in Graph().parse(path, format="turtle"):
                partition.add(triple)
        except Exception as err:  # rdflib raises many parser exception types
            _fail(QuartiersError(f"{path}: not valid Turtle: {err}"))
    triples = sum(len(set(group)) for group in partition.groups.values())
    try:
        gate_violations(check_partition(partition, load_shapes(settings.shapes_dir), CHUNK, settings.build_processes))
    except ValidationFailed as err:
        click.echo(err.report, err=True)
        click.echo(f"invalid: {err.violations} violation(s) in {triples} triples", err=True)
        sys.exit(1)
    click.echo(f"valid: {triples} triples conform to the shapes")


@main.command("settings")
@click.pass_context
def show_settings(ctx: click.Context) -> None:
    """Print every setting with its environment variable, the value in force and what it sets."""
    from dataclasses import fields

    current = _settings(ctx)
    for f in fields(current):
        value = getattr(current, f.name)
        shown = "********" if not f.repr and value else value  # secrets are never printed
        click.echo(f"QKG_{f.name.upper()}={shown}\t# {f.metadata['help']}")


@main.command()
@click.argument("query")
@click.option("--format", "fmt", default="csv", show_default=True, type=click.Choice([f.name for f in FORMATS if f.ox]),
              help="for a graph answer a graph format, else a results format (else csv / turtle)")
@click.pass_context
def query(ctx: click.Context, query: str, fmt: str) -> None:
    """Run a SPARQL query (text, @file or - for stdin) against the built store."""
    from .guard import check_query
    from .store import open_store

    settings = _settings(ctx)
    if query == "-":
        query = sys.stdin.read()
    elif query.startswith("@"):
        query = Path(query[1:]).read_text(encoding="utf-8")
    try:
        own_dataset = check_query(query, settings.max_nesting, settings.max_query_bytes, settings.max_operators)
        result = open_store(settings).bounded_answer(query, sys.maxsize - 1, settings.query_timeout, own_dataset=own_dataset)
        kind = GRAPH if result.kind == "graph" else SOLUTIONS
        chosen = BY_NAME[fmt] if BY_NAME[fmt].kind == kind else of_kind(kind)[0 if kind == GRAPH else 2]
        sys.stdout.buffer.write(result.serialize(chosen, prefixes=PREFIXES))
    except QuartiersError as err:
        _fail(err)


@main.command()
@click.argument("old", required=False)
@click.argument("new", required=False)
@click.pass_context
def diff(ctx: click.Context, old: str | None, new: str | None) -> None:
    """What changed between two kept builds (default: the served one against the one it revises)."""
    from .changes import difference, read_history, read_summary
    from .rdf.namespaces import curie
    from .store.local import CURRENT

    root = Path(_settings(ctx).store_dir)
    kept = sorted(p.name for p in (root / "builds").iterdir()) if (root / "builds").is_dir() else []
    if new is None:
        if not (root / CURRENT).exists():
            _fail(QuartiersError(f"no built store in {root}: run 'quartiers-kg build' first"))
        new = (root / CURRENT).resolve().name
    if old is None:
        history = read_history(root / "builds" / new)
        old = history[0]["previous"] if history and history[0]["version"] == new else None
        if old is None:
            _fail(QuartiersError(f"version {new} revises no earlier version: name two versions"))
    summaries = {}
    for version in (old, new):
        summary = read_summary(root / "builds" / version) if version in kept else None
        if summary is None:
            _fail(QuartiersError(f"version {version} is no longer kept here (kept: {', '.join(kept) or 'none'})"))
        summaries[version] = summary
    found = difference(summaries[old], summaries[new])
    click.echo(f"{old} -> {new}: {len(found['added'])} added, {len(found['removed'])} removed, {len(found['changed'])} changed")
    for n in found["added"]:
        click.echo(f"+ module {n}")
    for n in found["removed"]:
        click.echo(f"- module {n}")
    for n, props in found["changed"].items():
        click.echo(f"~ module {n}")
        for prop, values in props.items():
            click.echo(f"    {curie(prop)}")
            for value in values["old"]:
                if value not in values["new"]:
                    click.echo(f"      - {value}")
            for value in values["new"]:
                if value not in values["old"]:
                    click.echo(f"      + {value}")


@main.command()
@click.argument("resource")
@click.pass_context
def render(ctx: click.Context, resource: str) -> None:
    """Write a module of the built store as a print page (RESOURCE: module/116, 116 or the module's IRI)."""
    from .queries import Term
    from .rdf.reading import MODULE_GRAPH, print_page
    from .rdf.uris import Minter
    from .store import open_store

    settings = _settings(ctx)
    mint = Minter(settings.base_iri)
    number = resource.rsplit("/", 1)[-1]
    if not number.isdigit():
        raise click.BadParameter(f"expected module/<n>, <n> or a module IRI, found {resource!r}", param_hint="RESOURCE")
    iri = mint.module(int(number))
    try:
        triples = open_store(settings).query(MODULE_GRAPH, substitutions={"m": Term(str(iri), iri=True)})
        click.echo(print_page(triples, str(iri)), nl=False)
    except QuartiersError as err:
        _fail(err)


@main.command()
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False, path_type=Path), help="a .svg or .png file")
@click.option("--kind", "kinds", multiple=True, type=click.Choice(["reference", "funding", "project", "town", "network-type",
              "literature", "target-group", "field-of-action"]), help="draw only these kinds of relation (repeatable)")
@click.option("--min-weight", type=click.IntRange(min=1), default=1, show_default=True, help="draw relations this strong or more")
@click.pass_context
def graph(ctx: click.Context, output: Path, kinds: tuple[str, ...], min_weight: int) -> None:
    """Draw how the modules of the built store relate, as a picture for a report."""
    from . import relations
    from .figure import draw, relation_edges
    from .queries import load_queries
    from .store import open_store

    settings = _settings(ctx)
    try:
        store = open_store(settings)
        built = relations.read(store.path) if store.path is not None else None
        if built is None:  # a remote store: ask it
            ans = store.bounded_answer(load_queries(settings.queries_dir)["module-relations"].text,
                                       settings.max_rows * 10, settings.query_timeout * 6)
            built = (ans.variables, ans.rows)
        numbers = [int(r["n"].value) for r in store.query(relations.MODULES)]
        count = draw(numbers, relation_edges(relations.weighted(*built)), output, kinds, min_weight)
    except QuartiersError as err:
        _fail(err)
    click.echo(f"wrote {output}: {count} modules")


@main.command()
@click.argument("source", required=False, type=click.Path(exists=True, path_type=Path))
@click.option("--host", help="address to bind (QKG_HOST)")
@click.option("--port", type=int, help="port to bind (QKG_PORT)")
@click.option("--workers", type=int, help="worker processes (QKG_WORKERS)")
@click.pass_context
def serve(ctx: click.Context, source, host, port, workers) -> None:
    """Serve the built store over HTTP (uvicorn, N worker processes); builds it from data/ first if there is none.

    SOURCE, if given, is served instead: an Oxigraph store directory (read-only) or an RDF file.
    """
    from .server import run
    from .store import is_published

    changes = dict(host=host, port=port, workers=workers, serve_from=source)
    settings = _settings(ctx).with_(**{k: v for k, v in changes.items() if v is not None})
    try:
        published = is_published(settings)
    except QuartiersError as err:
        _fail(err)
    if not published:
        click.echo(f"nothing published in {settings.store or settings.store_dir}: building it from {settings.source_dir}", err=True)
        _build_apart(settings)
    click.echo(f"serving on http://{settings.host}:{settings.port}/", err=True)
    run(settings)


def _numbers(text: str) -> list[int]:
    """'1-250' or '7,20-30' as module numbers."""
    out: list[int] = []
    for part in text.split(","):
        low, _, high = part.strip().partition("-")
        if not low.isdigit() or (high and not high.isdigit()) or int(high or low) < int(low) or int(low) < 1:
            raise click.BadParameter(f"expected numbers and ranges such as 1-250 or 7,20-30, found {part!r}",
                                     param_hint="--numbers")
        out += range(int(low), int(high or low) + 1)
    return sorted(set(out))


@main.command()
@click.option("--numbers", default="1-250", show_default=True, help="print pages to fetch: numbers and ranges, e.g. 7,20-30")
@click.option("--into", type=click.Path(file_okay=False, path_type=Path), help="the mirror folder (default: data/sources/)")
@click.option("--delay", type=click.FloatRange(min=0), help="seconds at least between two requests (QKG_FETCH_DELAY)")
@click.pass_context
def fetch(ctx: click.Context, numbers: str, into: Path | None, delay: float | None) -> None:
    """Download the toolbox into a mirror: the print pages by number (QKG_PRINT_URL) and the web pages found by
    following links from QKG_WEB_ROOT, politely and incrementally (robots.txt, one request at a time, conditional
    requests). Exit 1 when an address could not be fetched; gaps (404) are not errors.
    """
    settings = _settings(ctx)
    summary, root = _fetch(settings, _numbers(numbers), into, delay)
    click.echo(f"fetched into {root}: {summary.line()}")
    sys.exit(1 if summary.counts["failed"] else 0)


@main.command()
@click.option("--numbers", default="1-250", show_default=True, help="print pages to fetch: numbers and ranges, e.g. 7,20-30")
@click.option("--delay", type=click.FloatRange(min=0), help="seconds at least between two requests (QKG_FETCH_DELAY)")
@click.pass_context
def update(ctx: click.Context, numbers: str, delay: float | None) -> None:
    """Keep the graph current, for a scheduler: fetch the toolbox into the mirror (data/sources/), then build only if
    a page is new, changed or gone (or nothing is published yet). A running server serves the new build within
    QKG_STORE_REFRESH seconds, without a restart. Exit 0 when nothing changed or a new build was published, 1 when
    an address could not be fetched or the build failed, with the reason on stderr.
    """
    from .store import is_published

    settings = _settings(ctx)
    summary, root = _fetch(settings, _numbers(numbers), None, delay)
    click.echo(f"fetched into {root}: {summary.line()}")
    failed = summary.counts["failed"] > 0
    try:
        published = is_published(settings)
    except QuartiersError as err:
        _fail(err)
    if not summary.changed_anything and published:
        click.echo("nothing changed: no build")
    else:
        _build(settings)
    if failed:
        click.echo(f"error: {summary.counts['failed']} address(es) could not be fetched; the mirror keeps what it held", err=True)
    sys.exit(1 if failed else 0)


def _fetch(settings: Settings, wanted: list[int], into: Path | None, delay: float | None):
    """Run the crawler with a progress bar on a terminal; (its summary, the mirror's folder)."""
    from tqdm import tqdm

    from .fetch import toolbox_crawler

    try:
        crawler = toolbox_crawler(settings, into or Path(settings.source_dir) / "sources", delay)
    except QuartiersError as err:
        _fail(err)
    if crawler.mirror.repaired:
        click.echo(f"mended {crawler.mirror.repaired} file(s) left by an interrupted run; they are fetched again", err=True)
    with tqdm(total=len(wanted) + 1, unit="page", file=sys.stderr, disable=not sys.stderr.isatty()) as bar:
        def advance(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            summary = crawler.run((settings.print_url.format(number=n) for n in wanted), advance)
        except KeyboardInterrupt:
            summary = crawler.summary
            click.echo("interrupted: the mirror and its manifest hold what was fetched so far", err=True)
        except QuartiersError as err:  # a full or read-only disk under the mirror
            _fail(err)
    for line in summary.named():
        click.echo(line, err=True)
    return summary, crawler.mirror.root


@main.command()
@click.argument("page", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", help="the address the page was published at, where its place in a mirror does not say it")
@click.option("--number", type=click.IntRange(min=1), help="module number, when neither address nor file name gives it")
def read(page: Path, url: str | None, number: int | None) -> None:
    """Show what one saved page gives: its title, each section with its lines, and what was dropped as the site's
    own text and why. Exit 0 when the page was read, 1 when it could not be.
    """
    from .source.files import load_source, parse_loaded, source_file
    from .source.headings import heading_of

    try:
        loaded = load_source(source_file(page, url))
        parsed = parse_loaded(loaded, number)
    except QuartiersError as err:
        _fail(err)
    m, lines = parsed.module, loaded.text.split("\n")
    source = m.source
    kind = "print page" if source.tab is None else f"web page, tab '{source.tab or 'Übersicht'}'"
    pager = f", Seite {source.page} / {source.pages}" if source.page else ""
    click.echo(f"{loaded.name}: {source.url} ({kind}{pager})")
    click.echo(f"module {m.number}, title: {m.title!r}" if m.title else f"module {m.number}, no title")
    for reading in m.readings:
        click.echo(f"\n{heading_of(reading.section)} (lines {reading.first_line}-{reading.last_line})")
        for n in range(reading.first_line, reading.last_line + 1):
            if lines[n - 1].strip():
                click.echo(f"  {n:4}  {lines[n - 1].strip()}")
    for extra in m.extra_sections:
        click.echo(f"\nnot a section of the template: {extra.heading or '(text before the first heading)'!r}")
    click.echo(f"\ndropped as the site's own text: {loaded.dropped_lines} lines in {len(loaded.dropped)} blocks")
    for block in loaded.dropped:
        text = block.text if len(block.text) <= 100 else block.text[:99] + "…"
        click.echo(f"  {block.why} ({block.lines} line{'' if block.lines == 1 else 's'}): {text}")
    for problem in parsed.problems:
        where = f"{loaded.name}:{problem.line}" if problem.line else loaded.name
        click.echo(f"{where}: {'skipped: ' if problem.skipped else 'warning: '}{problem.message}")


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="write Turtle here instead of stdout")
@click.option("--number", type=click.IntRange(min=1), help="module number, when the file name does not give it")
@click.option("--url", help="the address a single saved page was published at (a print page or a web sub-page)")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], output: Path | None, number: int | None, url: str | None) -> None:
    """Read pages (files, folders, or a mirror folder made by fetch) and write their RDF as Turtle; touches no store.

    The pages of one module (its print page, its web sub-pages) are assembled into one module. Problems go
    to stderr as FILE:LINE: message. Exit 0 when all was read, 1 when a page was skipped or incomplete, 2 for
    bad usage.
    """
    from .build import data_graph, page_files, read_pages

    settings = _settings(ctx).with_(source_dir=Path("/nonexistent"))
    files = page_files(paths, url)
    if (number is not None or url) and len(files) != 1:
        raise click.UsageError("--number and --url apply to exactly one page")
    missing = [f.path for f in files if not f.path.exists()]
    if missing:
        raise click.UsageError(f"no such file: {missing[0]}")
    with click.progressbar(length=len(files), label="reading pages", file=sys.stderr, hidden=not sys.stderr.isatty()) as bar:
        batch = read_pages(files, number, progress=lambda _: bar.update(1))
    _report(batch)
    turtle = data_graph(batch, settings).serialize(format="turtle", encoding="utf-8")
    if output:
        output.write_bytes(turtle)
    else:
        sys.stdout.buffer.write(turtle)
    sys.exit(1 if batch.skipped_anything else 0)
