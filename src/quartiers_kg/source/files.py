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
from .html import html_to_text
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


def read_source(file: SourceFile, number: int | None = None, shown_as: str | None = None) -> ParsedPage:
    """Read a print page or a web page; the address (else the file name) says which, and which module.

    :raises SourcePageError: naming the file (and line) for anything that cannot be read.
    """
    name = shown_as or str(file.path)
    try:
        data = file.path.read_bytes()
    except OSError as err:
        raise SourcePageError(name, None, f"cannot read: {err.strerror}") from err
    is_html = file.path.suffix.lower() in (".html", ".htm")
    text, guessed = _text(data, name, is_html, file.charset)
    url = file.url
    place = place_of(url) if url else None
    if url and place is None and not _PRINT_NAME.search(urlsplit(url).path):
        raise SourcePageError(name, None, f"{url} is neither a print page (…/druck_<n>.html) nor a module's web page")
    if number is None:
        number = place[0] if place else _print_number(url) if url else number_from_name(file.path)
    if number is None:
        raise SourcePageError(name, None, "no module number: name the file druck_<n>.txt, give --number or --url")
    source = SourceInfo(name, url or PRINT_URL.format(number=number), hashlib.sha256(data).hexdigest(), file.retrieved)
    parsed = parse_web_page(text, url, name, source) if place else parse_page(text, number, path=name, source=source)
    if guessed:
        parsed = replace(parsed, problems=(Problem(None, guessed),) + parsed.problems)
    return parsed


def read_page(path: str | Path, number: int | None = None, shown_as: str | None = None) -> ParsedPage:
    """Read a saved print page; the number comes from `number` or from the file name (druck_<n>.txt)."""
    return read_source(SourceFile(Path(path)), number, shown_as)


def _print_number(url: str) -> int | None:
    m = _PRINT_NAME.search(urlsplit(url).path)
    return int(m.group(1)) if m else None


def _text(data: bytes, name: str, is_html: bool, declared: str | None) -> tuple[str, str | None]:
    """The page's text, and a warning when its charset had to be guessed.

    Text files must be UTF-8. HTML honours, in this order, a byte-order mark, the charset the server
    declared (recorded by fetch), and <meta charset>; without any, UTF-8 is tried, then windows-1252.
    """
    if not is_html:
        return decode(data, name), None
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return html_to_text(data.decode(codec)), None
    meta = _META_CHARSET.search(data[:4096])
    for charset, origin in ((declared, "the server"), (meta.group(1).decode("ascii") if meta else None, "<meta charset>")):
        if charset:
            try:
                return html_to_text(data.decode(charset)), None
            except LookupError:
                continue
            except UnicodeDecodeError as err:
                line = data[: err.start].count(b"\n") + 1
                raise SourcePageError(name, line, f"not {charset} as {origin} declares (byte 0x{data[err.start]:02x})") from err
    try:
        return html_to_text(data.decode("utf-8")), None
    except UnicodeDecodeError:
        return html_to_text(data.decode("cp1252", errors="replace")), "no charset declared and not UTF-8: read as windows-1252"


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
