"""Real SPARQL engines on loopback for the store tests: the Oxigraph server and OpenLink Virtuoso.

Each yields the QKG_STORE* settings that point quartiers-kg at it, and is stopped by its PID.
"""

from __future__ import annotations

import contextlib
import shutil
import sys
from pathlib import Path

import pytest

from .conftest import free_port, process_on_loopback


def oxigraph_command() -> str:
    found = shutil.which("oxigraph") or str(Path(sys.executable).with_name("oxigraph"))
    if not Path(found).exists():
        pytest.skip("the Oxigraph server is not installed (PyPI package oxigraph, in the test extra)")
    return found


@contextlib.contextmanager
def oxigraph_server(folder: Path):
    """`oxigraph serve` on a fresh on-disk store; queries at /query, updates at /update, graphs at /store."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    command = [oxigraph_command(), "serve", "--location", str(folder / "db"), "--bind", f"127.0.0.1:{port}", "--timeout-s", "30"]
    with process_on_loopback(command, f"{url}/query?query=ASK%7B%7D", folder / "engine.log", cwd=folder) as proc:
        yield {"store": f"sparql+{url}/query", "store_update_url": f"{url}/update", "store_graph_store_url": f"{url}/store"}, proc


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = {sql_port}
DisableUnixSocket = 1
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
DirsAllowed = .
[HTTPServer]
ServerPort = {http_port}
ServerThreads = 10
Charset = UTF-8
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 30
"""


@contextlib.contextmanager
def virtuoso_server(folder: Path):
    """Virtuoso 7 on a fresh database: queries at /sparql, updates at /sparql-auth and graphs at
    /sparql-graph-crud-auth, both behind Digest auth as the database administrator (dba/dba when new)."""
    binary = shutil.which("virtuoso-t")
    if binary is None:
        pytest.skip("Virtuoso is not installed (Debian package virtuoso-opensource, installed by .ci/run)")
    http_port = free_port()
    (folder / "virtuoso.ini").write_text(VIRTUOSO_INI.format(dir=folder, sql_port=free_port(), http_port=http_port))
    url = f"http://127.0.0.1:{http_port}"
    command = [binary, "+foreground", "+configfile", str(folder / "virtuoso.ini")]
    with process_on_loopback(command, f"{url}/sparql?query=ASK%7B%7D", folder / "engine.log", cwd=folder) as proc:
        yield {"store": f"sparql+{url}/sparql", "store_update_url": f"{url}/sparql-auth",
               "store_graph_store_url": f"{url}/sparql-graph-crud-auth", "store_user": "dba", "store_password": "dba"}, proc
