#!/usr/bin/env python3
"""Ingest-acknowledgement-to-WatchArticles latency.

Opens one WatchArticles stream (all new articles), then ingests --pages
generated one-article pages through IngestService.IngestPage from --threads
threads at a target total rate of --rate pages/s, and reports, per article,
the time from the IngestPage acknowledgement to its arrival on the stream:
p50/p99/max and the achieved ingest rate. Uses the generated Python stubs
(see clients/python).

    BROADSHEET_PYTHON_GEN=build/python PYTHONPATH=clients/python \\
      .local/venv/bin/python bench/query_watch_latency.py --pages 2000 --rate 500
"""
import argparse
import multiprocessing
import os
import random
import string
import threading
import time

import grpc

from broadsheet_client import QueryClient, article_pb, ingest_grpc, ingest_pb


def page(word: str, i: int) -> str:
    rng = random.Random(i)
    letters = string.ascii_lowercase
    body = " ".join("".join(rng.choice(letters) for _ in range(rng.randint(3, 9)))
                    for _ in range(120))
    return (f"The {word} watch test article number {i}\n\nA standfirst for {word} {i}.\n\n"
            f"{body}.\n\nMore text about {word} and item {i} here.\n")


def watch_process(address, word, ready, done, results) -> None:
    client = QueryClient(address)
    stream = client.watch(word, include_duplicates=True)  # every new article
    stream.initial_metadata()
    ready.set()
    arrived = {}
    stop = threading.Event()

    def read():
        try:
            for event in stream:
                arrived[event.article.id] = time.monotonic()
        except grpc.RpcError:
            pass
        stop.set()

    threading.Thread(target=read, daemon=True).start()
    done.wait()
    time.sleep(5)  # stragglers
    stream.cancel()
    stop.wait(5)
    results.put(dict(arrived))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ingest", default=os.environ.get("BROADSHEET_INGEST_ADDR", "127.0.0.1:50051"))
    parser.add_argument("--query", default=os.environ.get("BROADSHEET_QUERY_ADDR", "127.0.0.1:50052"))
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--rate", type=float, default=500)
    parser.add_argument("--threads", type=int, default=16)
    args = parser.parse_args()
    word = "qz" + "".join(random.choice(string.ascii_lowercase) for _ in range(10))
    acked: dict = {}
    lock = threading.Lock()

    # The stream is read in its own process, so the ingest threads' share of
    # the GIL does not delay it (time.monotonic is system-wide on Linux).
    ctx = multiprocessing.get_context("spawn")
    ready, done, results = ctx.Event(), ctx.Event(), ctx.Queue()
    proc = ctx.Process(target=watch_process, args=(args.query, word, ready, done, results))
    proc.start()
    ready.wait(30)
    channel = grpc.insecure_channel(args.ingest)
    stub = ingest_grpc.IngestServiceStub(channel)
    start = time.monotonic()
    counter = iter(range(args.pages))
    counter_lock = threading.Lock()

    def writer():
        while True:
            with counter_lock:
                i = next(counter, None)
            if i is None:
                return
            due = start + i / args.rate
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            request = ingest_pb.IngestPageRequest(page=article_pb.RawPage(text=page(word, i)))
            response = stub.IngestPage(request, timeout=60)
            now = time.monotonic()
            with lock:
                for aid in response.article_ids:
                    acked[aid] = now

    threads = [threading.Thread(target=writer) for _ in range(args.threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    done.set()  # the reader keeps reading 5 s for stragglers, then reports
    arrived = results.get(timeout=60)
    proc.join(10)
    with lock:
        lat = sorted(max(0.0, arrived[a] - acked[a]) * 1000 for a in acked if a in arrived)
        missing_ids = [a for a in acked if a not in arrived]
        missing = len(missing_ids)
    if missing_ids:
        print("query word", word, "missing e.g.", " ".join(missing_ids[:5]))
    pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")
    print(f"{len(acked)} articles acknowledged in {elapsed:.1f} s ({args.pages / elapsed:.0f} pages/s); "
          f"ack->watch p50 {pct(0.5):.0f} ms, p99 {pct(0.99):.0f} ms, max {lat[-1] if lat else 0:.0f} ms; "
          f"missing {missing}")


if __name__ == "__main__":
    main()
