"""`manage.py serve`: uvicorn's supervised worker processes, each listening on a socket of its own.

The workers are real processes of a real server; which worker holds which connection is read from
/proc (the sockets a process has open, and the established connections of the server's port).
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.server import ROOT, StackServer

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads /proc; SO_REUSEPORT spreads on Linux")

BURST = 32


def worker_pids(parent: int) -> set[int]:
    """The server's worker processes: the children of `parent` that multiprocessing spawned."""
    pids = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue  # gone meanwhile
        # The parent pid is the second field after the command name, which is in parentheses.
        if int(stat.rpartition(")")[2].split()[1]) == parent and b"spawn_main" in cmdline:
            pids.add(int(entry.name))
    return pids


def connections_per_worker(pids: set[int], port: int) -> dict[int, int]:
    """How many established connections to `port` each process holds."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        local_port = int(fields[1].rsplit(":", 1)[1], 16)
        if local_port == port and fields[3] == "01":  # 01: ESTABLISHED
            inodes.add(fields[9])
    counts = {}
    for pid in pids:
        held = 0
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                held += 1
        counts[pid] = held
    return counts


def burst(server: StackServer, pids: set[int]) -> dict[int, int]:
    """Opens BURST connections at once, makes one request on each, and counts them per worker."""
    connections = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(BURST)]
    try:
        for connection in connections:
            connection.sendall(b"GET /v1/health HTTP/1.1\r\nHost: test\r\n\r\n")
        for connection in connections:
            assert connection.recv(65536).startswith(b"HTTP/1.1 200")
        return connections_per_worker(pids, server.port)
    finally:
        for connection in connections:
            connection.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[StackServer]:
    config = tmp_path / "stack.yaml"
    config.write_text("version: 2\napis: [models]\n")
    with StackServer(tmp_path, config, web_workers=2).running() as stack:
        yield stack


def test_a_burst_of_connections_is_spread_over_the_workers(server: StackServer) -> None:
    """With one socket shared by the workers (uvicorn's --workers), one worker took 25 to 32 of a burst
    of 32 in most tries here. Spread by the kernel's hash, a worker gets fewer than 4 of them about
    once in a million bursts."""
    assert server.web is not None
    pids = worker_pids(server.web.pid)
    assert len(pids) == 2
    for _ in range(3):
        counts = burst(server, pids)
        assert sum(counts.values()) == BURST, counts
        assert min(counts.values()) >= 4, counts


def test_a_killed_worker_is_replaced_and_the_server_keeps_answering(server: StackServer) -> None:
    assert server.web is not None
    first, second = sorted(worker_pids(server.web.pid))
    os.kill(first, signal.SIGKILL)
    # The survivor answers every new connection meanwhile: the dead worker's socket closed with it.
    deadline = time.monotonic() + 20
    while (workers := worker_pids(server.web.pid)) in ({second}, {first, second}):
        assert httpx.get(f"{server.url}/v1/health").status_code == 200
        assert time.monotonic() < deadline, "no worker replaced the killed one"
        time.sleep(0.1)
    assert len(workers) == 2 and second in workers and first not in workers
    counts: dict[int, int] = {}
    while time.monotonic() < deadline and not all(counts.get(pid) for pid in workers):
        counts = burst(server, workers)  # the new worker takes connections once it listens
    assert min(counts.values()) > 0, counts


def test_sigterm_stops_the_server_and_its_workers(server: StackServer) -> None:
    assert server.web is not None
    pids = worker_pids(server.web.pid)
    server.web.send_signal(signal.SIGTERM)
    assert server.web.wait(timeout=15) == 0
    assert not any(Path(f"/proc/{pid}").exists() for pid in pids)


def test_an_address_in_use_is_refused_at_once(server: StackServer) -> None:
    """SO_REUSEPORT alone would let a second server of the same user share the first one's connections."""
    started = time.monotonic()
    second = subprocess.run(
        [sys.executable, "manage.py", "serve", "--port", str(server.port), "--workers", "2"],
        cwd=ROOT,
        env=server.env,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert second.returncode == 1
    assert f"Cannot listen on 127.0.0.1:{server.port}: Address already in use." in second.stderr
    assert time.monotonic() - started < 15
    assert httpx.get(f"{server.url}/v1/health").status_code == 200
