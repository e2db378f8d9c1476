"""What a hostile site costs `quartiers-kg fetch`: its peak memory, its time and what it stores, body by body.

    python benchmarks/hostile_fetch.py [--src OLD_CHECKOUT/src]

Each case serves two print pages from the mock site of the tests (tests/mocksite.py) in a process of its own, one of
them replaced by the hostile body, and runs `fetch` in a fresh process with QKG_FETCH_TIMEOUT=2 and
QKG_FETCH_PAGE_DEADLINE=5 (other settings at their defaults: QKG_FETCH_MAX_BYTES 4 MiB); the peak memory is the
fetch process's own high-water mark (VmHWM, which starts again at exec, unlike a child's ru_maxrss), the bytes
stored are the mirror's. `--src` runs another checkout's code
instead (the commit before the crawler was bounded, say), each case cut at 60 s.
"""

from __future__ import annotations

import argparse
import gzip
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from flask import Response

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.mocksite import ROOT as WEB, MockSite, serving, streamed  # noqa: E402

DRUCK = "/druck/druck_{:02d}.html"
CUT = 60.0


def cases() -> dict[str, object]:
    bomb = gzip.compress(b"\0" * (256 << 20), compresslevel=9)
    return {
        "ordinary pages": None,
        f"gzip bomb ({len(bomb) >> 10} KiB, 256 MiB decoded)": lambda: Response(
            bomb, content_type="text/html", headers={"Content-Encoding": "gzip"}),
        "50 MB body, no length announced": streamed(b"x" * 65536, 763, 0),
        "1 byte a second for 20 s": streamed(b"x", 20, 1.0),
        "a body without end (a line every 50 ms)": streamed(b"<p>mehr</p>\n", None, 0.05),
    }


def run(name: str, hostile, src: Path | None) -> dict:
    site = MockSite().build()
    site.slow.clear()
    if hostile:
        site.handlers[DRUCK.format(7)] = hostile
    with serving(site, apart=True), tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "QKG_PRINT_URL": site.url + "/druck/druck_{number:02d}.html", "QKG_WEB_ROOT": site.url + WEB,
               "QKG_FETCH_TIMEOUT": "2", "QKG_FETCH_PAGE_DEADLINE": "5", "QKG_FETCH_RETRIES": "0",
               "QKG_FETCH_PRIVATE_HOSTS": "127.0.0.1", "QKG_CONTACT_EMAIL": "bench@example.org"}
        if src:
            env["PYTHONPATH"] = str(src)
        start, peak = time.monotonic(), 0
        proc = subprocess.Popen([sys.executable, "-m", "quartiers_kg", "fetch", "--numbers", "7,9", "--into",
                                 str(Path(folder) / "mirror"), "--delay", "0"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        while proc.poll() is None and time.monotonic() - start < CUT:
            peak = max(peak, _high_water(proc.pid))
            time.sleep(0.02)
        cut = proc.poll() is None
        if cut:
            proc.kill()
            proc.wait()
        seconds = time.monotonic() - start
        output = proc.stdout.read()
        stored = sum(p.stat().st_size for p in (Path(folder) / "mirror").rglob("*") if p.is_file())
        summary = next((line for line in output.splitlines() if line.startswith("fetched into")), "")
        return {"case": name, "seconds": seconds, "cut": cut, "peak_mib": peak / 1024,
                "stored_mib": stored / (1 << 20), "summary": summary.split(": ", 1)[-1]}


def _high_water(pid: int) -> int:
    """The process's peak resident memory so far, in KiB (0 once it is gone)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    return next((int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM:")), 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--src", type=Path, help="the src folder of another checkout to run instead")
    args = parser.parse_args()
    print("| body | seconds | fetch's peak memory (MiB) | stored (MiB) | summary |")
    print("|---|---|---|---|---|")
    for name, hostile in cases().items():
        r = run(name, hostile, args.src)
        seconds = f"> {CUT:.0f} (cut)" if r["cut"] else f"{r['seconds']:.1f}"
        print(f"| {r['case']} | {seconds} | {r['peak_mib']:.0f} | {r['stored_mib']:.2f} | {r['summary']} |", flush=True)


if __name__ == "__main__":
    main()
