"""A tiny threading HTTP server of fixed pages on 127.0.0.1, for tests that crawl a site."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# path -> (content type, text); built once the origin (and so the port) is known.
Pages = dict[str, tuple[str, str]]


@contextmanager
def serve_pages(build: Callable[[str], Pages]) -> Iterator[tuple[str, list[str]]]:
    """Serve ``build(origin)`` on a free port; yields the origin and the requested paths."""
    requested: list[str] = []
    pages: Pages = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requested.append(self.path)
            ctype, text = pages.get(self.path, ("text/plain; charset=utf-8", "not found"))
            data = text.encode("utf-8")
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    origin = f"http://127.0.0.1:{server.server_address[1]}"
    pages.update(build(origin))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield origin, requested
    finally:
        server.shutdown()
        server.server_close()
