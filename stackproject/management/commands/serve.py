"""`manage.py serve`: the production web server, uvicorn in several processes.

uvicorn's own `--workers` shares one listening socket between its processes, and the kernel hands a
burst of new connections to whichever process wakes first: of 32 keep-alive connections opened
together, one of two workers often took 25 or all 32 and the other idled, for as long as the
connections lived. Here each worker listens on a socket of its own, bound to the same address with
SO_REUSEPORT, and the kernel spreads new connections over the workers by a hash of their addresses.

Supervision is uvicorn's (its Multiprocess supervisor): a worker that dies or stops answering is
replaced, SIGHUP replaces every worker in turn, SIGTTIN/SIGTTOU add or remove one, SIGINT/SIGTERM
stop. Where SO_REUSEPORT does not spread connections (not Linux), or with one worker, the command runs
uvicorn exactly as its `--workers` option does.
"""

import os
import socket
import sys
from typing import Any

import uvicorn
from django.core.management.base import BaseCommand, CommandError, CommandParser
from uvicorn.supervisors import Multiprocess

APPLICATION = "stackproject.asgi:application"
# Linux balances connections over the sockets of a SO_REUSEPORT group; other systems do not all do.
SPREADS_CONNECTIONS = sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def tcp_socket(host: str) -> socket.socket:
    """A TCP socket of the host's address family (an IPv6 address has colons), with SO_REUSEADDR."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    return sock


def reuse_port_socket(host: str, port: int, *, listen: int | None = None) -> socket.socket:
    """A TCP socket bound to (host, port) with SO_REUSEPORT; listening when `listen` gives a backlog."""
    sock = tcp_socket(host)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        if listen is not None:
            sock.listen(listen)
    except OSError:
        sock.close()
        raise
    return sock


def reserve_address(host: str, port: int) -> socket.socket:
    """The server's address, held for its workers by a bound socket that does not listen.

    It receives no connections. It makes sure the address is free (a worker that could not bind
    would be restarted forever), picks the port when 0 is asked for, and keeps another server from
    taking the address while workers come and go. A plain bind comes first: SO_REUSEPORT alone would
    let a second server of the same user join the first one's sockets and take half its connections.
    """
    with tcp_socket(host) as probe:
        probe.bind((host, port))
        port = probe.getsockname()[1]
    return reuse_port_socket(host, port)


class WorkerSocket:
    """The server's address, which becomes a listening socket of its own in each worker process.

    uvicorn's supervisor pickles the sockets it hands to every worker it starts (or restarts). This
    one pickles as its address and is bound again, with SO_REUSEPORT, when the worker unpickles it.
    """

    def __init__(self, host: str, port: int, backlog: int) -> None:
        self.host, self.port, self.backlog = host, port, backlog

    def __reduce__(self) -> tuple[Any, ...]:
        return (_worker_socket, (self.host, self.port, self.backlog))


def _worker_socket(host: str, port: int, backlog: int) -> socket.socket:
    return reuse_port_socket(host, port, listen=backlog)


class Command(BaseCommand):
    help = "Serve the stack server's ASGI application with uvicorn, one listening socket per worker process."

    # The workers set Django up themselves; this process only supervises them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("STACK_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("STACK_PORT", "8321")))
        parser.add_argument(
            "--workers",
            type=int,
            default=int(os.environ.get("WEB_CONCURRENCY", "1")),
            help="Worker processes (default: $WEB_CONCURRENCY or 1).",
        )
        parser.add_argument("--backlog", type=int, default=2048, help="Pending connections per listening socket.")
        parser.add_argument("--log-level", default=os.environ.get("LOG_LEVEL", "info").lower())
        parser.add_argument("--no-access-log", action="store_true", help="Leave out uvicorn's line per request.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError("--workers must be at least 1.")
        config = uvicorn.Config(
            APPLICATION,
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            backlog=options["backlog"],
            log_level=options["log_level"],
            access_log=not options["no_access_log"],
        )
        if config.workers == 1:
            uvicorn.Server(config).run()
            return
        if not SPREADS_CONNECTIONS:
            # What `uvicorn --workers N` does: one socket shared by all workers.
            Multiprocess(config, [config.bind_socket()]).run()
            return
        try:
            reserved = reserve_address(config.host, config.port)
        except OSError as exc:
            raise CommandError(f"Cannot listen on {config.host}:{config.port}: {exc.strerror or exc}.") from exc
        with reserved:
            port = reserved.getsockname()[1]
            config.port = port
            self.stdout.write(
                f"Serving on http://{config.host}:{port} with {config.workers} worker processes, "
                "one listening socket each (SO_REUSEPORT)."
            )
            # uvicorn types the supervisor's sockets as sockets; a WorkerSocket becomes one in each worker.
            Multiprocess(config, [WorkerSocket(config.host, port, config.backlog)]).run()  # type: ignore[list-item]
