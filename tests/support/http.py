"""A small local HTTP server for tests that need a peer service (an auth endpoint, a JWKS)."""

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

# A handler gets (method, path, parsed JSON body or None) and returns (status, JSON body).
Handler = Callable[[str, str, Any], tuple[int, Any]]


@contextmanager
def json_server(handler: Handler) -> Iterator[str]:
    """Serve `handler` on 127.0.0.1; yields the base URL. Requests are recorded on the handler."""
    calls: list[tuple[str, str, Any]] = []

    class Request(BaseHTTPRequestHandler):
        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length)) if length else None
            calls.append((self.command, self.path, body))
            status, payload = handler(self.command, self.path, body)
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _answer

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Request)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.calls = calls  # type: ignore[attr-defined]
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
