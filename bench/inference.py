"""Benchmark: chat completions through the stack server versus the same upstream called directly.

    .venv/bin/python bench/inference.py [--latency 0.02] [--web-workers 2] [--duration 6]

Starts the test upstream (answering after --latency seconds) and the real server (`manage.py serve`
with --web-workers processes, or `uvicorn --workers` with --shared-socket; its own state directory and
database), then measures requests/s and
p50/p99 latency of non-streaming and streaming chat completions at concurrency 1 and 32, direct
and through the server (alternating, in rounds of a second), and prints the ratios. Targets: under
2 ms added at p50 at concurrency 1; at least 70% of the direct throughput at concurrency 32.

The load generator is a minimal keep-alive HTTP/1.1 client on asyncio streams: the machine's
cores are shared with the server and the upstream, so the client must cost as little as possible.
"""

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.server import StackServer  # noqa: E402
from tests.support.upstream import Upstream  # noqa: E402

MODEL = "bench-model"
# Direct and proxied measurements alternate in rounds of this length.
ROUND_SECONDS = 1.0
UPSTREAM_MODEL = "echo-model"


class Connection:
    """One keep-alive HTTP/1.1 connection."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self.reader, self.writer = await asyncio.open_connection(self.host, self.port)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()

    async def post(self, path: str, body: bytes, method: str = "POST") -> tuple[int, bytes]:
        assert self.reader is not None and self.writer is not None
        self.writer.write(
            f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n".encode()
            + body
        )
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        headers = {}
        for line in head.split(b"\r\n")[1:]:
            if b":" in line:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip().lower()
        if b"content-length" in headers:
            return status, await self.reader.readexactly(int(headers[b"content-length"]))
        if headers.get(b"transfer-encoding") == b"chunked":
            parts = []
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await self.reader.readuntil(b"\r\n")
                    return status, b"".join(parts)
                parts.append((await self.reader.readexactly(size + 2))[:-2])
        # Body delimited by the end of the connection.
        body = await self.reader.read()
        self.close()
        self.reader = self.writer = None
        return status, body


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    elapsed: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.elapsed if self.elapsed else 0.0

    def percentile(self, fraction: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(int(len(ordered) * fraction), len(ordered) - 1)] * 1000


async def run_load(
    base_url: str, model: str, stream: bool, concurrency: int, duration: float, floor: bool = False
) -> Result:
    """Chat completions for `duration` seconds; with `floor`, a request refused before any routing instead."""
    parts = urlsplit(base_url)
    path = parts.path.rstrip("/") + "/chat/completions"
    payload: dict[str, object] = {"model": model}
    if not floor:
        payload["messages"] = [{"role": "user", "content": "hello benchmark"}]
    if stream:
        payload["stream"] = True
    body = json.dumps(payload).encode()
    result = Result()
    deadline = time.perf_counter() + duration

    async def worker() -> None:
        connection = Connection(parts.hostname or "127.0.0.1", parts.port or 80)
        await connection.open()
        try:
            while time.perf_counter() < deadline:
                if connection.reader is None:
                    await connection.open()
                started = time.perf_counter()
                status, answer = await connection.post(path, body)
                latency = time.perf_counter() - started
                if floor:
                    ok = status == 400
                elif stream:
                    ok = status == 200 and answer.rstrip().endswith(b"data: [DONE]")
                else:
                    ok = status == 200 and b'"choices"' in answer
                if ok:
                    result.latencies.append(latency)
                else:
                    result.errors += 1
        finally:
            connection.close()

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    result.elapsed = time.perf_counter() - started
    return result


def write_config(directory: Path, upstream: Upstream) -> Path:
    config = directory / "bench.yaml"
    config.write_text(
        textwrap.dedent(
            f"""\
            version: 2
            apis: [inference, models]
            providers:
              inference:
                - provider_id: upstream
                  provider_type: remote::openai-compat
                  config:
                    base_url: {upstream.base_url}
            registered_resources:
              models:
                - model_id: {MODEL}
                  provider_id: upstream
                  provider_model_id: {UPSTREAM_MODEL}
            """
        )
    )
    return config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=0.02, help="Upstream seconds before each answer.")
    parser.add_argument("--web-workers", type=int, default=2, help="Web processes of the server.")
    parser.add_argument(
        "--shared-socket", action="store_true", help="Serve with `uvicorn --workers` (one socket for all workers)."
    )
    parser.add_argument("--duration", type=float, default=6.0, help="Seconds per measurement (each side).")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 32])
    args = parser.parse_args()

    try:
        import uvloop

        loop_factory = uvloop.new_event_loop
    except ImportError:  # the load generator also works on the plain asyncio loop
        loop_factory = asyncio.new_event_loop

    def measure(base_url: str, model: str, stream: bool, concurrency: int, floor: bool = False) -> Result:
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            runner.run(run_load(base_url, model, stream, 4, 0.5, floor))  # warm the connections and the server
            return runner.run(run_load(base_url, model, stream, concurrency, args.duration, floor))

    def compare(server_url: str, stream: bool, concurrency: int) -> tuple[Result, Result]:
        """Direct and through the server, in alternating rounds of ROUND_SECONDS: a shared machine's
        speed drifts over a run, and alternating spreads the drift over both sides evenly."""
        direct, proxied = Result(), Result()
        targets = ((upstream.base_url, UPSTREAM_MODEL, direct), (server_url, MODEL, proxied))
        with asyncio.Runner(loop_factory=loop_factory) as runner:
            for base_url, model, _ in targets:
                runner.run(run_load(base_url, model, stream, 4, 0.5))  # warm the connections and the server
            for _ in range(max(1, round(args.duration / ROUND_SECONDS))):
                for base_url, model, total in targets:
                    result = runner.run(run_load(base_url, model, stream, concurrency, ROUND_SECONDS))
                    total.latencies += result.latencies
                    total.errors += result.errors
                    total.elapsed += result.elapsed
        return direct, proxied

    with tempfile.TemporaryDirectory(prefix="stack-bench-") as tmp, Upstream(latency=args.latency) as upstream:
        state = Path(tmp)
        # As in production: DEBUG off (it also keeps Django from recording every query).
        production = {"DEBUG": "0", "SECRET_KEY": "bench-" + "x" * 50, "LOG_LEVEL": "WARNING"}
        server = StackServer(
            state,
            write_config(state, upstream),
            extra_env=production,
            web_workers=args.web_workers,
            shared_socket=args.shared_socket,
        )
        server.start()
        serving = "uvicorn" if args.shared_socket else "manage.py serve"
        try:
            print(
                f"upstream latency {args.latency * 1000:g} ms, server: {serving} --workers {args.web_workers}, "
                f"{args.duration:g} s per measurement"
            )
            header = f"{'mode':<10} {'conc':>4} {'target':<7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>6}"
            print(header)
            print("-" * len(header))
            summary = []
            for stream in (False, True):
                mode = "stream" if stream else "non-stream"
                for concurrency in args.concurrency:
                    direct, proxied = compare(f"{server.url}/v1", stream, concurrency)
                    for name, result in (("direct", direct), ("server", proxied)):
                        print(
                            f"{mode:<10} {concurrency:>4} {name:<7} {result.rps:>8.1f} {result.percentile(0.5):>8.2f} "
                            f"{result.percentile(0.99):>8.2f} {result.errors:>6}"
                        )
                    summary.append((mode, concurrency, direct, proxied))
            print()
            print(f"{'mode':<10} {'conc':>4} {'throughput ratio':>17} {'p50 added ms':>13} {'p99 added ms':>13}")
            for mode, concurrency, direct, proxied in summary:
                ratio = proxied.rps / direct.rps if direct.rps else float("nan")
                added50 = proxied.percentile(0.5) - direct.percentile(0.5)
                added99 = proxied.percentile(0.99) - direct.percentile(0.99)
                print(f"{mode:<10} {concurrency:>4} {ratio:>16.0%} {added50:>13.2f} {added99:>13.2f}")
            # What every API request costs before any inference code runs: middleware, authentication,
            # request parsing, the error answer. The inference path's own cost is what comes on top.
            floor = {c: measure(f"{server.url}/v1", MODEL, False, c, floor=True) for c in args.concurrency}
            print()
            for concurrency, result in floor.items():
                print(
                    f"request pipeline alone (a 400 before routing), concurrency {concurrency}: "
                    f"{result.rps:.1f} req/s, p50 {result.percentile(0.5):.2f} ms"
                )
            for mode, concurrency, direct, proxied in summary:
                if concurrency in floor:
                    own = proxied.percentile(0.5) - direct.percentile(0.5) - floor[concurrency].percentile(0.5)
                    print(f"{mode} at concurrency {concurrency}: the inference path adds {own:.2f} ms at p50 on top")
            print()
            median = statistics.median
            for mode, concurrency, direct, proxied in summary:
                if concurrency == 1 and median(proxied.latencies) - median(direct.latencies) > 0.002:
                    print(f"MISSED: {mode} adds more than 2 ms at p50 at concurrency 1")
                if concurrency >= 32 and proxied.rps < 0.7 * direct.rps:
                    print(f"MISSED: {mode} reaches less than 70% of direct throughput at concurrency {concurrency}")
        finally:
            server.stop()


if __name__ == "__main__":
    main()
