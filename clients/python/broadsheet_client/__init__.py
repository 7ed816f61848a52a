"""Python client for Broadsheet's QueryService (and IngestService).

    from broadsheet_client import QueryClient
    with QueryClient("127.0.0.1:50052") as client:
        page = client.search('"river pollution" author:"Mina Okafor"', page_size=5)
        for hit in client.search_all("river", order_by="newest"):
            print(hit.article.title, render_snippet(hit.snippet))
        article = client.get(page.hits[0].article.id)
        for event in client.watch("river"):
            print(event.article.title, event.resume_token)

The stubs are generated from proto/ at build time (clients/python/generate.py)
and found, in this order, in $BROADSHEET_PYTHON_GEN, <repo>/build/python and
broadsheet_client/gen. The raw messages and stubs are re-exported as `pb`
(query_service_pb2), `article_pb`, `ingest_pb` and the `*_grpc` modules.
"""
import os
import pathlib
import sys

_HERE = pathlib.Path(__file__).resolve().parent


def _add_generated_path() -> None:
    candidates = [os.environ.get("BROADSHEET_PYTHON_GEN", ""),
                  str(_HERE.parent.parent.parent / "build" / "python"),
                  str(_HERE / "gen")]
    for candidate in candidates:
        if candidate and (pathlib.Path(candidate) / "broadsheet" / "v1" /
                          "query_service_pb2.py").exists():
            if candidate not in sys.path:
                sys.path.insert(0, candidate)
            return
    raise ImportError("broadsheet stubs not generated: build the CMake target "
                      "broadsheet_python_client or run clients/python/generate.py")


_add_generated_path()

from broadsheet.v1 import article_pb2 as article_pb  # noqa: E402
from broadsheet.v1 import ingest_service_pb2 as ingest_pb  # noqa: E402
from broadsheet.v1 import ingest_service_pb2_grpc as ingest_grpc  # noqa: E402
from broadsheet.v1 import query_service_pb2 as pb  # noqa: E402
from broadsheet.v1 import query_service_pb2_grpc as query_grpc  # noqa: E402

from broadsheet_client.client import (  # noqa: E402
    HIGHLIGHT_START, HIGHLIGHT_STOP, QueryClient, render_snippet)

__all__ = ["QueryClient", "render_snippet", "HIGHLIGHT_START", "HIGHLIGHT_STOP", "pb",
           "article_pb", "ingest_pb", "query_grpc", "ingest_grpc"]
