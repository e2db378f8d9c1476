"""The cost of reading pages as their sites serve them, against the same pages without chrome.

    python benchmarks/served.py --pages 1000

Writes a mirror of synthetic modules (generate.py's print pages and six web tabs each, one module in seven pages)
for each site template of the tests (tests/served.py: semantic, divs, bare; print pages in the print template)
and once without chrome, then reads each mirror as `build` does (content finder, boilerplate net, readers,
merge) in a fresh process, and prints time per page, the process's peak memory, and how many modules were read
exactly as from the pages without chrome. `--trafilatura` reads every mirror a second time with trafilatura's
main-text extractor in place of ours (`pip install trafilatura lxml_html_clean`), to see which is right more often.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.generate import module, name  # noqa: E402
from quartiers_kg.source.files import mirror_path  # noqa: E402
from quartiers_kg.source.render import render_page  # noqa: E402
from tests.pages import TAB_NAMES, TABS, web_page, web_url  # noqa: E402
from tests.served import TEMPLATES, content_html, plain, print_template, tab_texts  # noqa: E402

PRINT = "https://www.aq-nrw.de/assets/default/druck/module/druck_{:02d}.html"
VARIANTS = ["plain", *TEMPLATES]


def write_mirror(folder: Path, variant: str, modules: int) -> int:
    """Write the pages of `modules` modules in `variant`'s wrapping; returns how many pages."""
    rnd = random.Random(0)
    towns = sorted({name(rnd, 2) for _ in range(400)})
    authors = sorted({f"{name(rnd, 1)}, {name(rnd, 1)[0]}." for _ in range(800)})
    wrap = plain if variant == "plain" else TEMPLATES[variant]
    wrap_print = plain if variant == "plain" else TEMPLATES["bare"] if variant == "bare" else print_template
    pages = 0
    for number in range(1, modules + 1):
        m = module(number, modules, towns, authors)
        files = {PRINT.format(number): wrap_print(content_html(render_page(m)), m.title, number)}
        tabs = [(tab_name, web_url(number, tab)) for tab_name, tab in zip(TAB_NAMES, TABS)]
        for i, body in enumerate(tab_texts(number, m.title)):
            text = web_page(m.title, body, i + 1, len(TABS), footer=False)
            files[tabs[i][1]] = wrap(content_html(text), m.title, number, (i + 1, len(TABS), tabs))
        for url, markup in files.items():
            path = folder / mirror_path(url)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(markup, encoding="utf-8")
        pages += len(files)
    return pages


def trafilatura_text(markup: str):
    """trafilatura's main text (Markdown, headings and lists kept) in the layout our readers take."""
    import trafilatura

    from quartiers_kg.source.html import PageText

    found = trafilatura.extract(markup, output_format="markdown", include_formatting=True, include_links=False,
                                include_tables=True, favor_recall=True) or ""
    lines = [re.sub(r"^(\d+)\.\s", r"  \1. ", re.sub(r"^#+\s*|^\*\*(?=.*\*\*$)|\*\*$", "", line)) for line in found.split("\n")]
    return PageText("\n".join(lines))


def read(folder: Path, extractor: str) -> dict:
    """Read a mirror as build does; the figures of this process, and a digest of each module's values."""
    from quartiers_kg.build import page_files, read_pages
    from quartiers_kg.source import files as source_files

    if extractor == "trafilatura":
        source_files.read_html = trafilatura_text
    files = page_files([folder])
    start = time.perf_counter()
    batch = read_pages(files)
    elapsed = time.perf_counter() - start
    values = {p.module.number: hashlib.sha256(repr(replace(p.module, source=None, readings=())).encode()).hexdigest()
              for p in batch.pages}
    return {"pages": len(files), "modules": values, "failures": len(batch.failures), "seconds": elapsed,
            "markup": batch.dropped_by_markup, "repeated": batch.dropped_repeated,
            "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--trafilatura", action="store_true", help="also read every mirror with trafilatura's extractor")
    parser.add_argument("--read", type=Path, help=argparse.SUPPRESS)  # the child process: read this mirror
    parser.add_argument("--extractor", default="ours", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.read:
        print(json.dumps(read(args.read, args.extractor)))
        return
    modules = max(1, args.pages // (1 + len(TABS)))
    print(f"{modules} modules, {modules * (1 + len(TABS))} pages (a print page and {len(TABS)} web tabs each)\n")
    print("| pages as served | extractor | pages | ms per page | peak memory (MiB) | lines dropped by markup | by repetition "
          "| modules read as without chrome |")
    print("|---|---|---|---|---|---|---|---|")
    truth = None
    with tempfile.TemporaryDirectory() as tmp:
        for variant in VARIANTS:
            folder = Path(tmp) / variant
            write_mirror(folder, variant, modules)
            for extractor in ["ours", "trafilatura"] if args.trafilatura else ["ours"]:
                out = subprocess.run([sys.executable, __file__, "--read", str(folder), "--extractor", extractor],
                                     capture_output=True, text=True, check=True)
                r = json.loads(out.stdout)
                truth = truth or r["modules"]
                same = sum(1 for number, digest in r["modules"].items() if truth.get(number) == digest)
                print(f"| {variant} | {extractor} | {r['pages']} | {1000 * r['seconds'] / r['pages']:.2f} | {r['peak_mib']:.0f} | "
                      f"{r['markup']:,} | {r['repeated']:,} | {same} of {len(truth)} |")


if __name__ == "__main__":
    main()
