"""Source files: a saved page and the address it was published at; a mirror folder made by `fetch`.

In a mirror a page's address is its place: `<host>/<path>/index.html` (or `index.txt` for text saved from
that page), and `manifest.json` beside the hosts records each address's charset and when it was fetched.
"""

from __future__ import annotations

import codecs
import hashlib
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit

from ..errors import SourcePageError
from ..model import PRINT_URL, ParsedPage, Problem, SourceInfo
from .content import Dropped
from .html import read_html
from .page import decode, number_from_name, parse_page
from .web import parse_web_page, place_of

MANIFEST = "manifest.json"
PAGE_NAMES = ("index.html", "index.htm", "index.txt")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_PRINT_NAME = re.compile(r"/druck_0*(\d+)\.html?$", re.IGNORECASE)


@dataclass(frozen=True)
class SourceFile:
    """A file to read, the address it stands for, and what the mirror's manifest knows of it."""

    path: Path
    url: str | None = None
    charset: str | None = None
    retrieved: str | None = None


@dataclass(frozen=True)
class LoadedPage:
    """A source file's text, ready for its reader: the module's text of an HTML page (`title`: the heading found
    as its title, on the first line), what was dropped on the way (the site's chrome, by the page's markup and then
    by the boilerplate net), and a charset warning."""

    file: SourceFile
    name: str
    text: str
    sha256: str
    title: str | None = None
    dropped: tuple[Dropped, ...] = ()
    warning: str | None = None
    fragment: bool = False  # an HTML page cut off in the middle of its last line

    @property
    def dropped_lines(self) -> int:
        return sum(d.lines for d in self.dropped)


def load_source(file: SourceFile, shown_as: str | None = None) -> LoadedPage:
    """Read a file's bytes into the text its reader takes.

    :raises SourcePageError: naming the file (and line) for bytes that cannot be read as text.
    """
    name = shown_as or str(file.path)
    try:
        data = file.path.read_bytes()
    except OSError as err:
        raise SourcePageError(name, None, f"cannot read: {err.strerror}") from err
    if file.path.suffix.lower() not in (".html", ".htm"):
        return LoadedPage(file, name, decode(data, name), hashlib.sha256(data).hexdigest())
    markup, guessed = _markup(data, name, file.charset)
    page = read_html(markup)
    return LoadedPage(file, name, page.text, hashlib.sha256(data).hexdigest(), page.title, page.dropped, guessed, page.fragment)


def parse_loaded(page: LoadedPage, number: int | None = None) -> ParsedPage:
    """Read a loaded print page or web page; the address (else the file name) says which, and which module.

    :raises SourcePageError: naming the file (and line) for anything that cannot be read.
    """
    file, name = page.file, page.name
    url = file.url
    place = place_of(url) if url else None
    if url and place is None and not _PRINT_NAME.search(urlsplit(url).path):
        raise SourcePageError(name, None, f"{url} is neither a print page (…/druck_<n>.html) nor a module's web page")
    if number is None:
        number = number_of(file)
    if number is None:
        raise SourcePageError(name, None, "no module number: name the file druck_<n>.txt, give --number or --url")
    source = SourceInfo(name, url or PRINT_URL.format(number=number), page.sha256, file.retrieved, dropped=page.dropped_lines)
    parsed = (parse_web_page(page.text, url, name, source, page.fragment) if place
              else parse_page(page.text, number, path=name, source=source, fragment=page.fragment))
    if page.warning:
        parsed = replace(parsed, problems=(Problem(None, page.warning),) + parsed.problems)
    return parsed


def read_source(file: SourceFile, number: int | None = None, shown_as: str | None = None) -> ParsedPage:
    """Load and read one page on its own (across a mirror, build.read_pages also drops the site's repeated lines)."""
    return parse_loaded(load_source(file, shown_as), number)


def read_page(path: str | Path, number: int | None = None, shown_as: str | None = None) -> ParsedPage:
    """Read a saved print page; the number comes from `number` or from the file name (druck_<n>.txt)."""
    return read_source(SourceFile(Path(path)), number, shown_as)


def number_of(file: SourceFile) -> int | None:
    """The module number the file's address (else its name) gives."""
    if not file.url:
        return number_from_name(file.path)
    place = place_of(file.url)
    m = _PRINT_NAME.search(urlsplit(file.url).path)
    return place[0] if place else int(m.group(1)) if m else None


def _markup(data: bytes, name: str, declared: str | None) -> tuple[str, str | None]:
    """An HTML page's markup as text, and a warning when its charset had to be guessed.

    Honours, in this order, a byte-order mark, the charset the server declared (recorded by fetch), and
    <meta charset>; without any, UTF-8 is tried, then windows-1252.
    """
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return data.decode(codec), None
    meta = _META_CHARSET.search(data[:4096])
    for charset, origin in ((declared, "the server"), (meta.group(1).decode("ascii") if meta else None, "<meta charset>")):
        if charset:
            try:
                return data.decode(charset), None
            except LookupError:
                continue
            except UnicodeDecodeError as err:
                line = data[: err.start].count(b"\n") + 1
                raise SourcePageError(name, line, f"not {charset} as {origin} declares (byte 0x{data[err.start]:02x})") from err
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "no charset declared and not UTF-8: read as windows-1252"


def mirror_files(root: Path) -> list[SourceFile]:
    """The pages of a mirror folder, with their addresses; the manifest's record where it has one."""
    root = Path(root)
    records: dict[str, dict] = {}
    if (root / MANIFEST).is_file():
        records = {entry["path"]: {"url": url, **entry}
                   for url, entry in json.loads((root / MANIFEST).read_text(encoding="utf-8"))["pages"].items() if entry.get("path")}
    files = []
    for path in sorted(p for p in root.rglob("*") if p.is_file() and p.name != MANIFEST and not p.name.startswith(".")):
        relative = path.relative_to(root).as_posix()
        record = records.get(relative, {})
        url = record.get("url") or address_of(relative)
        if url and (place_of(url) or _PRINT_NAME.search(urlsplit(url).path)):
            files.append(SourceFile(path, url, record.get("charset"), record.get("fetched")))
    return files


def source_file(path: Path, url: str | None = None) -> SourceFile:
    """A saved page as a SourceFile: at `url` if given, else, inside a mirror, with the mirror's record of it."""
    path = Path(path)
    if url is None:
        root = next((folder for folder in path.resolve().parents if (folder / MANIFEST).is_file()), None)
        if root is not None:
            found = [f for f in mirror_files(root) if f.path.resolve() == path.resolve()]
            if found:
                return found[0]
    return SourceFile(path, url)


def address_of(relative: str) -> str | None:
    """The address a mirror path stands for: `host/a/b/index.html` -> `https://host/a/b/`; text saved from a print
    page, `druck_<n>.txt`, stands for `druck_<n>.html`.

    >>> address_of("www.iat.eu/aq-nrw/modulbaukasten/modul-20-fotosafari/index.txt")
    'https://www.iat.eu/aq-nrw/modulbaukasten/modul-20-fotosafari/'
    >>> address_of("www.aq-nrw.de/assets/default/druck/module/druck_07.txt")
    'https://www.aq-nrw.de/assets/default/druck/module/druck_07.html'
    """
    host, _, rest = relative.partition("/")
    if not rest:
        return None
    folder, _, file = rest.rpartition("/")
    path = f"{folder}/" if file in PAGE_NAMES else re.sub(r"(druck_\d+)\.txt$", r"\1.html", rest)
    return f"https://{host}/{path}"


def mirror_path(url: str) -> str:
    """Where a mirror keeps an address: `host/path`, a path ending in '/' as `index.html`.

    >>> mirror_path("https://www.aq-nrw.de/assets/default/druck/module/druck_07.html")
    'www.aq-nrw.de/assets/default/druck/module/druck_07.html'
    """
    parts = urlsplit(url)
    path = parts.path or "/"
    if path.endswith("/"):
        path += "index.html"
    return f"{parts.netloc}{path}"
