"""A bounded load test on loopback: C concurrent clients for D seconds against one URL; requests, rate, errors.

python bench/load.py URL --clients 50 --seconds 60 [--header 'Authorization: Token …'] [--cookie sessionid=…]
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time
from urllib.parse import urlsplit


def client_loop(url: str, headers: dict, deadline: float, results: list, lock: threading.Lock) -> None:
    """One client: request after request on one keep-alive connection until the deadline."""
    parts = urlsplit(url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    local = []
    while time.monotonic() < deadline:
        start = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            ok = response.status < 400
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        local.append((ok, (time.perf_counter() - start) * 1000))
    with lock:
        results.extend(local)


def run(url: str, clients: int, seconds: float, headers: dict) -> dict:
    """Run the clients and sum up: requests, requests per second, errors, median and p95 latency."""
    results: list = []
    lock = threading.Lock()
    deadline = time.monotonic() + seconds
    threads = [
        threading.Thread(target=client_loop, args=(url, headers, deadline, results, lock)) for _ in range(clients)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    times = sorted(ms for _ok, ms in results)
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(results),
        "per_second": round(len(results) / elapsed, 1),
        "errors": sum(1 for ok, _ms in results if not ok),
        "median_ms": round(statistics.median(times), 1) if times else None,
        "p95_ms": round(times[int(0.95 * len(times)) - 1], 1) if times else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--cookie", default="")
    options = parser.parse_args()
    headers = dict(h.split(": ", 1) for h in options.header)
    if options.cookie:
        headers["Cookie"] = options.cookie
    headers["Host"] = "127.0.0.1"
    print(json.dumps(run(options.url, options.clients, options.seconds, headers)))


if __name__ == "__main__":
    main()
