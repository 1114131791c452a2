#!/usr/bin/env python3
"""The floor under `monitorc plan` against the fake Mackerel: the same GETs with `parallel`
kept-alive connections and nothing else (no compile, no JSON beyond the dashboard list's ids, no
comparison), in the order the API allows: the lists at once, each dashboard by id as soon as
the dashboard list has named it. What it takes is what the fake and the network cost; the
rest of a plan's time is monitorc's.

    plan_floor.py BASE_URL API_KEY [--parallel 16]

Prints the number of requests and the wall time; fails if any answer is not 200.
"""
import argparse
import http.client
import json
import queue
import threading
import time
from urllib.parse import urlsplit

# What `monitorc plan` reads from a Mackerel target, besides each dashboard by id.
LISTS = ["/api/v0/dashboards", "/api/v0/monitors", "/api/v0/channels", "/api/v0/notification-groups",
         "/api/v0/downtimes", "/api/v0/alert-group-settings"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("base")
    ap.add_argument("key")
    ap.add_argument("--parallel", type=int, default=16)
    a = ap.parse_args()
    url = urlsplit(a.base)
    headers = {"X-Api-Key": a.key, "Accept": "application/json"}
    jobs = queue.Queue()
    pending = [0]  # requests queued and not yet answered
    lock = threading.Lock()
    done = threading.Event()
    failures = []
    answered = [0]

    def submit(path):
        with lock:
            pending[0] += 1
        jobs.put(path)

    def finished():
        with lock:
            answered[0] += 1
            pending[0] -= 1
            if pending[0] == 0:
                done.set()

    def worker():
        conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        while True:
            path = jobs.get()
            if path is None:
                conn.close()
                return
            conn.request("GET", path, headers=headers)
            res = conn.getresponse()
            body = res.read()
            if res.status != 200:
                failures.append(f"GET {path} -> {res.status}")
            elif path == "/api/v0/dashboards":
                for d in json.loads(body)["dashboards"]:
                    submit("/api/v0/dashboards/" + d["id"])
            finished()

    start = time.perf_counter()
    threads = [threading.Thread(target=worker, daemon=True) for _ in range(a.parallel)]
    for t in threads:
        t.start()
    for path in LISTS:
        submit(path)
    done.wait()
    wall = time.perf_counter() - start
    for _ in threads:
        jobs.put(None)
    for t in threads:
        t.join()
    print(f"{answered[0]} requests in {wall:.3f} s")
    if failures:
        raise SystemExit("\n".join(failures[:10]))


if __name__ == "__main__":
    main()
