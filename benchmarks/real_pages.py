"""Reading module pages inside the real pages of ../shared/real-pages: the cost, and how often each extractor is exact.

    python benchmarks/real_pages.py [--pages 1000] [--extractors ours,trafilatura,readability]

Wraps the tests' module pages (a print page, the overview, the Stolpersteine/Bewertung tab: tests/real_pages.py) into
each of the 50 real pages, then reads every wrapped page as `build` reads a page (our content finder, then the
readers), cycling through them until `--pages` are read: time per page, and the peak memory of this process (its
high-water mark, Python and the imports included). Then each extractor reads each of the 150 wrapped pages once in
place of our content finder; a reading is exact when it gives the module as the same page without chrome does.
trafilatura (`favor_recall`, Markdown with formatting) and readability-lxml come from `pip install -e '.[bench]'`.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from quartiers_kg.errors import QuartiersError  # noqa: E402
from quartiers_kg.source import files as source_files  # noqa: E402
from quartiers_kg.source.html import PageText, read_html  # noqa: E402
from tests.real_pages import module_pages, real_pages, wrap  # noqa: E402


def trafilatura_text(markup: str) -> PageText:
    """trafilatura's main text (Markdown, headings and lists kept) in the layout our readers take."""
    import trafilatura

    found = trafilatura.extract(markup, output_format="markdown", include_formatting=True, include_links=False,
                                include_tables=True, favor_recall=True) or ""
    lines = [re.sub(r"^(\d+)\.\s", r"  \1. ", re.sub(r"^#+\s*|^\*\*(?=.*\*\*$)|\*\*$", "", line)) for line in found.split("\n")]
    return PageText("\n".join(lines))


def readability_text(markup: str) -> PageText:
    """readability-lxml's article, laid out by our own HTML reader (its markup has no chrome left to find)."""
    from readability import Document

    return read_html(Document(markup).summary(html_partial=True))


EXTRACTORS = {"ours": read_html, "trafilatura": trafilatura_text, "readability": readability_text}


def _read(path: Path, markup: str, url: str):
    path.write_text(markup, encoding="utf-8")
    loaded = source_files.load_source(source_files.SourceFile(path, url=url, charset="utf-8"))
    return replace(source_files.parse_loaded(loaded).module, source=None, readings=())


def _high_water_mib() -> float:
    status = Path("/proc/self/status").read_text()
    return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--extractors", default="ours,trafilatura,readability")
    args = parser.parse_args()
    pages, modules = real_pages(), module_pages()
    if not pages:
        sys.exit("../shared/real-pages is not beside the checkout")
    wrapped = [(page.id, module, wrap(page, module)[0]) for page in pages for module in modules]
    folder = Path(tempfile.mkdtemp())
    start_memory = _high_water_mib()
    start = time.perf_counter()
    for i in range(args.pages):
        _, module, markup = wrapped[i % len(wrapped)]
        try:
            _read(folder / "page.html", markup, module.url)
        except QuartiersError:
            pass
    seconds = time.perf_counter() - start
    print(f"{args.pages} pages read (the {len(wrapped)} wrapped pages in turn): {1000 * seconds / args.pages:.2f} ms a page, "
          f"peak memory {_high_water_mib():.0f} MiB ({start_memory:.0f} MiB before reading)\n")
    print("| extractor | exact of the 150 | refused | ms a page |")
    print("|---|---|---|---|")
    expected = {module.kind: _read(folder / "bare.html", module.bare, module.url) for module in modules}
    for name in args.extractors.split(","):
        source_files.read_html = EXTRACTORS[name]
        exact = refused = 0
        start = time.perf_counter()
        for _, module, markup in wrapped:
            try:
                exact += _read(folder / "page.html", markup, module.url) == expected[module.kind]
            except QuartiersError:
                refused += 1
        source_files.read_html = read_html
        print(f"| {name} | {exact} | {refused} | {1000 * (time.perf_counter() - start) / len(wrapped):.1f} |", flush=True)


if __name__ == "__main__":
    main()
