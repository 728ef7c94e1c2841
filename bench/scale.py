"""Benchmark: how batch throughput scales with Celery workers, and web throughput with uvicorn processes.

    .venv/bin/python bench/scale.py [--lines 3000] [--latency 0.05] [--workers 1 2 4] [--web 1 2 4]

Batches: one batch of --lines chat requests against the test upstream answering after --latency
seconds, processed by N single-process Celery workers (each runs up to STACK_BATCH_CHUNK_CONCURRENCY
requests at once, and the batch may have enough chunks in flight for all of them), so that the
upstream's latency, not the CPU, is the limit. Web: chat completions through N uvicorn processes at
--web-concurrency, the upstream answering after --web-latency seconds. Prints throughputs and the
scaling ratios against one process. Target: 2 workers at least 1.8x one worker's batch throughput.

The database and broker are whatever DATABASE_URL and CELERY_BROKER_URL name (PostgreSQL and Redis
for the production-like numbers), else the embedded defaults.
"""

import argparse
import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import openai  # noqa: E402

from bench.batches import input_file, run_batch  # noqa: E402
from bench.inference import MODEL, run_load, write_config  # noqa: E402
from tests.apis.batches.support import distribution  # noqa: E402
from tests.support.server import StackServer  # noqa: E402
from tests.support.upstream import Upstream  # noqa: E402

CHUNK_CONCURRENCY = 16
PRODUCTION = {"DEBUG": "0", "SECRET_KEY": "bench-" + os.urandom(16).hex(), "SESSION_COOKIE_SECURE": "0"}


def batch_throughput(workers: int, lines: int, latency: float) -> float:
    """Lines per second of one batch processed by `workers` single-process workers."""
    engine = {
        **PRODUCTION,
        "STACK_BATCH_CHUNK_SIZE": "50",
        "STACK_BATCH_CHUNK_CONCURRENCY": str(CHUNK_CONCURRENCY),
        # Enough in flight for every worker: the workers, not this cap, are what is measured.
        "STACK_BATCH_CONCURRENCY": str(CHUNK_CONCURRENCY * max(workers, 4)),
        "STACK_BATCH_PROVIDER_CONCURRENCY": "1000",
    }
    with Upstream(latency=latency) as upstream, tempfile.TemporaryDirectory() as state:
        config = Path(state) / "stack.yaml"
        config.write_text(distribution(upstream.base_url))
        server = StackServer(Path(state), config, extra_env=engine).start()
        try:
            client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="bench", max_retries=2, timeout=120)
            input_id = input_file(client, lines)
            for index in range(workers):
                server.start_worker(concurrency=1, name=f"bench{index}")
            for index in range(workers):
                server.wait_worker_ready(f"bench{index}")
            wall, batch = run_batch(client, input_id, timeout=lines * latency + 120)
            if batch.status != "completed" or batch.request_counts.completed != lines:
                raise SystemExit(f"batch ended {batch.status} with {batch.request_counts}")
            return lines / wall
        finally:
            server.stop()


def web_throughput(processes: int, latency: float, concurrency: int, duration: float) -> tuple[float, float]:
    """Requests/s and p50 latency (ms) of chat completions through `processes` uvicorn workers."""
    with Upstream(latency=latency) as upstream, tempfile.TemporaryDirectory() as state:
        config = write_config(Path(state), upstream)
        server = StackServer(Path(state), config, extra_env=PRODUCTION, web_workers=processes).start()
        try:
            base_url = f"{server.url}/v1"
            asyncio.run(run_load(base_url, MODEL, False, concurrency, 1.0))  # warm every process up
            result = asyncio.run(run_load(base_url, MODEL, False, concurrency, duration))
            if result.errors:
                raise SystemExit(f"{result.errors} requests failed through {processes} web processes")
            return result.rps, result.percentile(0.5)
        finally:
            server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=3000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--web", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--web-latency", type=float, default=0.02)
    parser.add_argument("--web-concurrency", type=int, default=64)
    parser.add_argument("--duration", type=float, default=5.0)
    args = parser.parse_args()

    started = time.monotonic()
    batch = {n: batch_throughput(n, args.lines, args.latency) for n in args.workers}
    base = batch[min(batch)]
    print(f"batch throughput ({args.lines} lines, upstream {args.latency * 1000:.0f} ms, "
          f"{CHUNK_CONCURRENCY} requests in flight per worker process):")
    for n, rate in batch.items():
        print(f"  {n} worker(s): {rate:7.1f} lines/s  x{rate / base:.2f}")

    web = {n: web_throughput(n, args.web_latency, args.web_concurrency, args.duration) for n in args.web}
    base_rps = web[min(web)][0]
    print(f"web throughput (chat completions, upstream {args.web_latency * 1000:.0f} ms, "
          f"concurrency {args.web_concurrency}):")
    for n, (rps, p50) in web.items():
        print(f"  {n} process(es): {rps:7.1f} requests/s  p50 {p50:6.1f} ms  x{rps / base_rps:.2f}")
    print(f"({time.monotonic() - started:.0f} s; {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
