"""A real HTTP receiver of webhooks on 127.0.0.1, in a thread: it records each request and answers as told."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


@dataclass
class Received:
    """One request as the receiver got it: the headers (lower-case names) and the raw body."""

    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    """Answers each request with the next status in `answers` (then `then`); `hold_first` keeps the first request
    waiting, unanswered, until `release` is set (a worker killed while it waits)."""

    answers: list[int] = field(default_factory=list)
    then: int = 200
    hold_first: bool = False
    received: list[Received] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hooks"

    def _answer(self) -> int | None:
        count = len(self.received)
        if self.hold_first and count == 1:
            return None
        return self.answers[count - 1] if count - 1 < len(self.answers) else self.then


@contextmanager
def running_receiver(**options) -> Iterator[Receiver]:
    """A receiver listening on a free port of 127.0.0.1 for the block's duration."""
    receiver = Receiver(**options)
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            with lock:
                receiver.received.append(Received({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver._answer()
            if status is None:
                receiver.release.wait(timeout=120)
                return
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:  # quiet
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()
