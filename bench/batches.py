"""Benchmark of the batch engine: a real server and Celery worker against the test upstream.

    .venv/bin/python bench/batches.py [--lines 10000] [--latency 0.05] [--memory-lines 1000 50000]

1. Wall time of a chat batch (from create to completed) against the ideal, lines x latency / concurrency,
   at the default settings (STACK_BATCH_CONCURRENCY requests in flight per batch).
2. The worker's peak memory (summed RSS of the worker's processes, sampled every 50 ms) while it runs
   a batch of each of the --memory-lines sizes, each on a fresh worker.

Runs on the embedded defaults (SQLite, filesystem broker), or on PostgreSQL and Redis when DATABASE_URL
and CELERY_BROKER_URL point at them, as the test suite does.
"""

import argparse
import json
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stackproject.settings")

import openai  # noqa: E402
from django.conf import settings  # noqa: E402

from tests.apis.batches.support import distribution, request_line  # noqa: E402
from tests.support.server import StackServer  # noqa: E402
from tests.support.upstream import Upstream  # noqa: E402

PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def group_rss(pgid: int) -> int:
    """Summed resident memory, in bytes, of every process in a process group."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            if int(fields[2]) != pgid:  # fields[2] is the process group id
                continue
            total += int((entry / "statm").read_text().split()[1]) * PAGE_BYTES
        except (OSError, ValueError, IndexError):
            continue
    return total


class PeakSampler(threading.Thread):
    def __init__(self, pgid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pgid, self.interval, self.peak = pgid, interval, 0
        self.running = True

    def run(self) -> None:
        while self.running:
            self.peak = max(self.peak, group_rss(self.pgid))
            time.sleep(self.interval)

    def stop(self) -> int:
        self.running = False
        self.join()
        return self.peak


def input_file(client: openai.OpenAI, lines: int) -> str:
    with tempfile.TemporaryFile() as handle:
        for index in range(lines):
            handle.write(json.dumps(request_line(f"req-{index}", f"message number {index}")).encode() + b"\n")
        handle.seek(0)
        return client.files.create(file=("bench.jsonl", handle), purpose="batch").id


def run_batch(client: openai.OpenAI, input_id: str, timeout: float) -> tuple[float, object]:
    started = time.monotonic()
    batch = client.batches.create(input_file_id=input_id, endpoint="/v1/chat/completions", completion_window="24h")
    while True:
        batch = client.batches.retrieve(batch.id)
        if batch.status in ("completed", "failed", "cancelled", "expired"):
            return time.monotonic() - started, batch
        if time.monotonic() - started > timeout:
            raise SystemExit(f"batch {batch.id} still {batch.status} after {timeout:.0f}s")
        time.sleep(0.1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=10_000)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument("--memory-lines", type=int, nargs="*", default=[1_000, 50_000])
    parser.add_argument("--worker-concurrency", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()

    concurrency = settings.STACK_BATCH_CONCURRENCY
    with Upstream(latency=args.latency) as upstream, tempfile.TemporaryDirectory() as state:
        config = Path(state) / "stack.yaml"
        config.write_text(distribution(upstream.base_url))
        # As in production: DEBUG off (with DEBUG on, Django keeps the last 9000 SQL queries of each process).
        production = {"DEBUG": "0", "SECRET_KEY": "bench-" + os.urandom(16).hex(), "SESSION_COOKIE_SECURE": "0"}
        server = StackServer(Path(state), config, extra_env=production).start()
        try:
            client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="bench", max_retries=2, timeout=120)
            worker = server.start_worker(concurrency=args.worker_concurrency)
            ideal = args.lines * args.latency / concurrency
            input_id = input_file(client, args.lines)
            wall, batch = run_batch(client, input_id, timeout=ideal * 10 + 60)
            print(
                f"throughput: {args.lines} lines, latency {args.latency * 1000:.0f} ms, concurrency {concurrency}: "
                f"{wall:.1f} s against an ideal of {ideal:.1f} s = {wall / ideal:.2f}x "
                f"({batch.status}, {batch.request_counts.completed} completed, {batch.request_counts.failed} failed)"
            )
            print(
                f"  phases: validating {batch.in_progress_at - batch.created_at} s, "
                f"in progress {batch.finalizing_at - batch.in_progress_at} s, "
                f"finalizing {batch.completed_at - batch.finalizing_at} s (whole seconds)"
            )
            server.kill_worker(worker)

            peaks = {}
            for lines in args.memory_lines:
                input_id = input_file(client, lines)
                worker = server.start_worker(concurrency=args.worker_concurrency)
                time.sleep(3)  # let the worker start before sampling
                sampler = PeakSampler(worker.pid)
                sampler.start()
                wall, batch = run_batch(client, input_id, timeout=lines * args.latency / concurrency * 10 + 60)
                peaks[lines] = sampler.stop()
                server.kill_worker(worker)
                print(
                    f"memory: {lines} lines in {wall:.1f} s ({batch.status}): worker peak RSS "
                    f"{peaks[lines] / 2**20:.1f} MB"
                )
            if len(peaks) >= 2:
                smallest, largest = min(peaks), max(peaks)
                print(
                    f"memory growth from {smallest} to {largest} lines: "
                    f"{(peaks[largest] - peaks[smallest]) / 2**20:+.1f} MB"
                )
        finally:
            server.stop()


if __name__ == "__main__":
    main()
