"""Local HTTP servers on 127.0.0.1: one for a bundled site snapshot (``sample/<site>/routes.json``),
with ETag and Last-Modified validators, redirects and a request log, and one for fixed pages."""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

SAMPLE_ROOT = Path(__file__).resolve().parent.parent / "sample"
CONTENT_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
# One fixed modification time keeps Last-Modified stable across checkouts and runs.
SNAPSHOT_MTIME = 1795860000.0


@dataclass
class Route:
    file: Path | None
    content_type: str
    redirect: str | None = None


@dataclass
class Snapshot:
    """A bundled site: its routes and the facts in ``snapshot.json``."""

    root: Path
    routes: dict[str, Route]
    facts: dict[str, Any]

    @classmethod
    def load(cls, name: str = "vetogate", base: Path = SAMPLE_ROOT) -> Snapshot:
        root = base / name
        raw = json.loads((root / "routes.json").read_text(encoding="utf-8"))
        routes: dict[str, Route] = {}
        for key, value in raw.items():
            spec = {"file": value} if isinstance(value, str) else value
            file = root / "site" / spec["file"] if spec.get("file") else None
            ctype = spec.get("content_type") or CONTENT_TYPES.get(
                file.suffix if file else "", "application/octet-stream"
            )
            routes[_route_key(key)] = Route(file, ctype, spec.get("redirect"))
        facts = json.loads((root / "snapshot.json").read_text(encoding="utf-8"))
        return cls(root, routes, facts)

    @property
    def origin(self) -> str:
        return str(self.facts["origin"])


def _route_key(target: str) -> str:
    parts = urlsplit(target)
    path = unquote(parts.path) or "/"
    return path + ("?" + unquote(parts.query) if parts.query else "")


@dataclass
class SampleServer:
    """Serves a snapshot on 127.0.0.1 (port 0 picks a free one) in a background thread."""

    snapshot: Snapshot
    port: int = 0
    requests: list[str] = field(default_factory=list)
    _server: ThreadingHTTPServer | None = None

    def __enter__(self) -> SampleServer:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        snapshot, log = self.snapshot, self.requests

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_HEAD(self) -> None:
                self._serve(body=False)

            def do_GET(self) -> None:
                self._serve(body=True)

            def _serve(self, body: bool) -> None:
                log.append(self.path)
                route = snapshot.routes.get(_route_key(self.path))
                if route is None:
                    self._send(404, b"not in the snapshot\n", "text/plain", {}, body)
                    return
                if route.redirect:
                    self._send(301, b"", "text/plain", {"Location": route.redirect}, body)
                    return
                assert route.file is not None
                data = route.file.read_bytes()
                etag = '"' + hashlib.sha1(data).hexdigest()[:16] + '"'
                headers = {
                    "ETag": etag,
                    "Last-Modified": formatdate(SNAPSHOT_MTIME, usegmt=True),
                }
                if self.headers.get("If-None-Match") == etag:
                    self._send(304, b"", route.content_type, headers, False)
                    return
                self._send(200, data, route.content_type, headers, body)

            def _send(
                self, status: int, data: bytes, ctype: str, headers: dict[str, str], body: bool
            ) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(data)))
                for key, value in headers.items():
                    self.send_header(key, value)
                self.end_headers()
                if body and data:
                    self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None


# path (with query) -> (content type, text or bytes)
Pages = Mapping[str, tuple[str, str | bytes]]


@contextmanager
def serve_pages(build: Callable[[str], Pages]) -> Iterator[tuple[str, list[str]]]:
    """Serve ``build(origin)`` (built once the port is known) on a free port of 127.0.0.1, with
    keep-alive connections; yields the origin and the log of requested paths."""
    requested: list[str] = []
    pages: dict[str, tuple[str, bytes]] = {}

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            requested.append(self.path)
            ctype, data = pages.get(self.path, ("text/plain; charset=utf-8", b"not found"))
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    with serve_handler(Handler) as origin:
        for path, (ctype, body) in build(origin).items():
            pages[path] = (ctype, body.encode("utf-8") if isinstance(body, str) else body)
        yield origin, requested


@contextmanager
def serve_handler(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    """Serve ``handler`` on a free port of 127.0.0.1 in a background thread; yields the origin.
    The handler may read state its caller fills in after the origin is known."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
