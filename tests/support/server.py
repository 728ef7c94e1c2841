"""Starts the real stack server (`manage.py serve`) and real Celery workers as subprocesses for end-to-end
tests.

Each server gets its own state directory and its own database: a SQLite file on the embedded
defaults, or a fresh PostgreSQL database (and its own Redis database) when the test run points
DATABASE_URL and CELERY_BROKER_URL at those services.
"""

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_http(url: str, timeout: float = 60.0, process: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode} before {url} answered")
        try:
            httpx.get(url, timeout=1.0)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {timeout}s")


def _isolated_services(name: str) -> dict[str, str]:
    """DATABASE_URL and CELERY_BROKER_URL of this server's own database and queue."""
    env: dict[str, str] = {}
    database_url = os.environ.get("DATABASE_URL", "")
    if database_url.startswith(("postgres://", "postgresql://")):
        import psycopg

        base, _, _ = database_url.rpartition("/")
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{base}/{name}"
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if broker.startswith("redis://"):
        import redis

        # A Redis database of its own (2..15) so that parallel test processes do not share queues.
        worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or "0"
        db = 2 + int(worker) % 14
        base = broker.rsplit("/", 1)[0] if broker.count("/") > 2 else broker
        url = f"{base}/{db}"
        redis.Redis.from_url(url).flushdb()
        env["CELERY_BROKER_URL"] = url
    return env


def _drop_database(name: str) -> None:
    database_url = os.environ.get("DATABASE_URL", "")
    if name and database_url.startswith(("postgres://", "postgresql://")):
        import psycopg

        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class StackServer:
    """A running stack server with zero or more Celery workers."""

    def __init__(
        self,
        state_dir: Path,
        config: Path,
        extra_env: dict[str, str] | None = None,
        web_workers: int = 1,
        shared_socket: bool = False,
    ) -> None:
        """With `shared_socket`, the web processes are `uvicorn --workers`: one listening socket shared
        by all (benchmarks compare it with `manage.py serve`, one socket per worker)."""
        self.state_dir = state_dir
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.database_name = f"stack_e2e_{uuid.uuid4().hex[:12]}"
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "stackproject.settings",
            "STACK_STATE_DIR": str(state_dir),
            "STACK_CONFIG": str(config),
            "STACK_PORT": str(self.port),
            "PYTHONUNBUFFERED": "1",
            # The example external providers are installed for the server as an operator would.
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "tests" / "external")]),
            **_isolated_services(self.database_name),
            **(extra_env or {}),
        }
        self.env.pop("PYTEST_CURRENT_TEST", None)
        self.web_workers = web_workers
        self.shared_socket = shared_socket
        self.web: subprocess.Popen | None = None
        self.workers: list[subprocess.Popen] = []
        self._log_starts: dict[str, int] = {}
        self.logs = state_dir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=check
        )

    @contextlib.contextmanager
    def running(self) -> Iterator["StackServer"]:
        """The server, started; stopped when the block ends. A failure in the block prints its logs."""
        try:
            yield self.start()
        except BaseException:
            print(self.log_text())
            raise
        finally:
            self.stop()

    def start(self) -> "StackServer":
        self.manage("migrate", "--noinput")
        log = open(self.logs / "web.log", "ab")  # noqa: SIM115 - closed with the process
        serve = [sys.executable, "manage.py", "serve"]
        if self.shared_socket:
            serve = [str(BIN / "uvicorn"), "stackproject.asgi:application"]
        self.web = subprocess.Popen(
            [
                *serve,
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--workers",
                str(self.web_workers),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        wait_for_http(f"{self.url}/v1/health", process=self.web)
        return self

    def start_worker(self, concurrency: int = 2, name: str | None = None, beat: bool = False) -> subprocess.Popen:
        """A Celery worker; with `beat`, it also runs the periodic tasks (the maintenance sweep)."""
        name = name or f"w{len(self.workers)}-{uuid.uuid4().hex[:6]}"
        log_path = self.logs / f"worker-{name}.log"
        # Where this start's lines begin: a restarted worker appends to its log.
        self._log_starts[name] = log_path.stat().st_size if log_path.exists() else 0
        log = open(log_path, "ab")  # noqa: SIM115 - closed with the process
        schedule = ["--beat", "--schedule", str(self.state_dir / f"celerybeat-{name}")] if beat else []
        worker = subprocess.Popen(
            [
                str(BIN / "celery"),
                "-A",
                "stackproject",
                "worker",
                "--loglevel",
                "info",
                "--concurrency",
                str(concurrency),
                "--hostname",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                *schedule,
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(worker)
        return worker

    def wait_worker_ready(self, name: str, timeout: float = 60.0) -> None:
        """Wait until the named worker, as last started, says it is ready to take tasks."""
        log = self.logs / f"worker-{name}.log"
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with log.open("rb") as handle:
                handle.seek(self._log_starts.get(name, 0))
                if b" ready." in handle.read():
                    return
            time.sleep(0.1)
        raise TimeoutError(f"worker {name} not ready after {timeout}s\n{self.log_text()}")

    def kill_worker(self, worker: subprocess.Popen, sig: int = signal.SIGKILL) -> None:
        """Kill the worker's whole process group (the main process and its pool children)."""
        os.killpg(worker.pid, sig)
        worker.wait(timeout=30)

    def log_text(self) -> str:
        return "\n".join(
            f"--- {p.name}\n{p.read_text(errors='replace')[-6000:]}" for p in sorted(self.logs.glob("*.log"))
        )

    def stop(self) -> None:
        # The test is over: no worker needs a warm shutdown (one running beat can take 15 s to stop).
        for worker in self.workers:
            if worker.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=15)
        if self.web is not None and self.web.poll() is None:
            self.web.terminate()
            try:
                self.web.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.web.kill()
        _drop_database(self.database_name)
