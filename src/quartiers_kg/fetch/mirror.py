"""The mirror on disk: each address's bytes as served at `DIR/<host>/<path>`, and `DIR/manifest.json` (a record per
address, and the last run's summary).

A page is written to a temporary file and renamed into place, then the manifest is rewritten the same way;
a run killed between the two is caught by the next one, which checks every file against its record and
fetches a file that disagrees in full, so that mirror and manifest agree before anything is fetched. A file
the manifest does not know (saved by hand, or written just before a kill) is left to the reader, as it is.

Every file the mirror writes, reads or removes is first placed: its path is derived from the (normalised) address
and must lie inside the mirror's root once every link on the way is resolved; a record naming any other place is
dropped.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

from ..errors import DiskError, FetchRefused
from ..source.files import MANIFEST, mirror_path


@dataclass
class Record:
    """What the last fetch of an address found. `status` 0: it could not be fetched (see `error`)."""

    status: int
    fetched: str
    path: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    charset: str | None = None
    content_type: str | None = None
    sha256: str | None = None
    location: str | None = None
    error: str | None = None


class Mirror:
    def __init__(self, root: Path):
        self.root = Path(root)
        with _disk(self.root):
            self.root.mkdir(parents=True, exist_ok=True)
        self.real_root = self.root.resolve()
        self.records: dict[str, Record] = {}
        self.last_run: dict | None = None
        if (self.root / MANIFEST).is_file():
            manifest = json.loads((self.root / MANIFEST).read_text(encoding="utf-8"))
            self.records = {url: Record(**entry) for url, entry in manifest["pages"].items()}
            self.last_run = manifest.get("last_run")
        with _disk(self.root):
            self.repaired = self._reconcile()

    def _reconcile(self) -> int:
        """Make files and records agree after an interrupted run; returns how many had to be mended."""
        mended = 0
        for path in self.root.rglob(".tmp-*"):  # half-written by a killed run
            path.unlink()
            mended += 1
        for record in self.records.values():
            if not record.path:
                continue
            file = self._placed(record.path)
            if file is None:  # a manifest edited to point elsewhere: the record forgets its file
                record.path, record.sha256 = None, None
                mended += 1
                continue
            digest = sha256(file.read_bytes()) if file.is_file() else None
            if digest != record.sha256:  # the file changed but its record did not: fetch it again in full
                record.sha256, record.etag, record.last_modified = digest, None, None
                if digest is None:
                    record.path = None
                mended += 1
        if mended:
            self.save()
        return mended

    def has(self, url: str) -> Record | None:
        """The record of an address whose bytes are in the mirror."""
        record = self.records.get(url)
        file = self._placed(record.path) if record and record.path else None
        return record if file is not None and file.is_file() else None

    def read(self, record: Record) -> bytes:
        """The bytes a record's file holds (a record `has` returned)."""
        return self._placed(record.path).read_bytes()

    def _placed(self, relative: str) -> Path | None:
        """The file of a path relative to the mirror, if it lies inside the mirror (links resolved); else None."""
        parts = Path(relative).parts
        if not parts or Path(relative).is_absolute() or any(p in (".", "..") for p in parts) or "\x00" in relative:
            return None
        file = self.root / relative
        real = Path(os.path.realpath(file))
        return file if real.is_relative_to(self.real_root) and real != self.real_root else None

    def write(self, url: str, body: bytes, record: Record) -> None:
        """Put the bytes in place (atomically), then the record.

        :raises FetchRefused: ("off-site") where the address's file would lie outside the mirror.
        """
        relative = mirror_path(url)
        target = self._placed(relative)
        if target is None:
            raise FetchRefused("off-site", f"{url}: its file {relative!r} would lie outside the mirror {self.root}")
        with _disk(target):
            target.parent.mkdir(parents=True, exist_ok=True)
            _write_atomically(target, body)
        record.path, record.sha256 = relative, sha256(body)
        self.records[url] = record
        self.save()

    def forget(self, url: str, record: Record) -> None:
        """The address is gone: remove its bytes, keep the record of what was found."""
        old = self.has(url)
        if old:
            with _disk(self._placed(old.path)):
                self._placed(old.path).unlink()
        record.path = None
        self.records[url] = record
        self.save()

    def note(self, url: str, record: Record) -> None:
        """Record a fetch that changed no bytes (a 304, a redirect, a failure keeps the old bytes)."""
        self.records[url] = record
        self.save()

    def finish(self, finished: str, counts: dict[str, int], failures: list[str], skipped: dict[str, str],
               off_site: dict[str, str]) -> None:
        """Record the run that just ended: when, what it found (the summary's counts), what failed, what was skipped
        and why, and the links that lead off the sites."""
        self.last_run = {"finished": finished, "counts": counts, "failures": failures, "skipped": skipped,
                         "off_site_links": off_site}
        self.save()

    def save(self) -> None:
        data = {"pages": {url: {k: v for k, v in asdict(r).items() if v is not None}
                          for url, r in sorted(self.records.items())}}
        if self.last_run:
            data["last_run"] = self.last_run
        with _disk(self.root / MANIFEST):
            _write_atomically(self.root / MANIFEST, json.dumps(data, indent=1, ensure_ascii=False).encode("utf-8"))


def _write_atomically(target: Path, data: bytes) -> None:
    """Write into a temporary file beside `target`, then rename it into place (a failed write leaves no half file)."""
    handle, temp = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temp, target)
    except OSError:
        Path(temp).unlink(missing_ok=True)
        raise


@contextmanager
def _disk(path: Path):
    """A full or read-only disk under the mirror as our DiskError, naming the path."""
    try:
        yield
    except OSError as err:
        short = DiskError.of(err, path, "the mirror keeps what it held")
        if short is None:
            raise
        raise short from err


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
