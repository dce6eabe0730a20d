"""A real ``redis-server`` on a free local port, and crawl workers against it, for the
distributed-crawl tests and ``bench/distributed.py``."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import redis

ROOT = Path(__file__).resolve().parent.parent
REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def redis_server(workdir: Path) -> Iterator[str]:
    """Start ``redis-server`` on 127.0.0.1 (no snapshots, no append-only file, its own folder);
    yields its URL and stops it."""
    workdir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    proc = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(workdir), "--logfile", str(workdir / "redis.log")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    try:
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if proc.poll() is not None:
                    raise RuntimeError("redis-server exited at start") from None
                time.sleep(0.02)
        yield url
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=10)


@contextmanager
def tripwire_proxy(redis_url: str, trigger: bytes) -> Iterator[tuple[str, threading.Event]]:
    """A TCP proxy in front of ``redis_url`` that forwards every command until a client sends one
    containing ``trigger``: from then on nothing more reaches the server, as if the process
    died right before sending it. Yields the proxy's URL and an event set at that moment."""
    host, port = redis_url.split("//", 1)[1].split("/", 1)[0].rsplit(":", 1)
    tripped = threading.Event()
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.1)
    conns: list[socket.socket] = []

    def pump(src: socket.socket, dst: socket.socket, watch: bool) -> None:
        tail = b""
        try:
            while data := src.recv(65536):
                if watch:
                    # A trigger split over two reads is still seen (loopback rarely splits).
                    if tripped.is_set() or trigger in tail + data:
                        tripped.set()
                        continue
                    tail = data[-len(trigger) :]
                dst.sendall(data)
        except OSError:
            pass
        finally:
            for end in (src, dst):
                with suppress(OSError):
                    end.shutdown(socket.SHUT_RDWR)

    def accept() -> None:
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            client.settimeout(None)
            server = socket.create_connection((host, int(port)))
            conns.extend((client, server))
            threading.Thread(target=pump, args=(client, server, True), daemon=True).start()
            threading.Thread(target=pump, args=(server, client, False), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield f"redis://127.0.0.1:{listener.getsockname()[1]}/0", tripped
    finally:
        stop.set()
        listener.close()
        for conn in conns:
            conn.close()


def worker_command(
    origin: str, out: Path, redis_url: str | None, worker: str = "", **settings: Any
) -> list[str]:
    """``scrapy crawl news`` of a local site as one worker (or, without ``redis_url``, a plain
    crawl with the SQLite store in ``out``)."""
    base = {
        "OUTPUT_DIR": str(out / "output"),
        "STATE_PATH": str(out / "state" / "crawler.sqlite3"),
        "CLOSESPIDER_PAGECOUNT": 0,
        "EXPORT_FLUSH_SECONDS": 1,
        "LOG_LEVEL": settings.pop("LOG_LEVEL", "INFO"),
        **settings,
    }
    if redis_url:
        base |= {"REDIS_URL": redis_url, "REDIS_WORKER_ID": worker}
    cmd = [sys.executable, "-m", "scrapy", "crawl", "news", "-a", f"urls={origin}/"]
    for name, value in base.items():
        cmd += ["-s", f"{name}={value}"]
    return cmd


def start_worker(cmd: list[str], log: Path) -> subprocess.Popen[bytes]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as f:
        return subprocess.Popen(cmd, cwd=ROOT, stdout=f, stderr=subprocess.STDOUT)


def records(out: Path) -> list[dict[str, Any]]:
    """Every record of every final run file under ``out/output``."""
    found = []
    for path in sorted((out / "output").glob("*/*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            found.append(json.loads(line))
    return found
