"""QueryClient: a thin, typed wrapper over broadsheet.v1.QueryService stubs."""
from __future__ import annotations

import datetime as _dt
from typing import Iterable, Iterator, Optional, Sequence

import grpc
from google.protobuf import timestamp_pb2

from broadsheet.v1 import query_service_pb2 as pb
from broadsheet.v1 import query_service_pb2_grpc as query_grpc

# Snippets wrap matched words in these private-use characters.
HIGHLIGHT_START = "\ue000"
HIGHLIGHT_STOP = "\ue001"


def render_snippet(snippet: str, start: str = "**", stop: str = "**") -> str:
    """Replaces the highlight marks, e.g. by Markdown bold or ANSI codes."""
    return snippet.replace(HIGHLIGHT_START, start).replace(HIGHLIGHT_STOP, stop)


def _timestamp(value: Optional[_dt.datetime]) -> Optional[timestamp_pb2.Timestamp]:
    if value is None:
        return None
    ts = timestamp_pb2.Timestamp()
    if value.tzinfo is None:
        value = value.replace(tzinfo=_dt.timezone.utc)
    ts.FromDatetime(value)
    return ts


def make_filter(authors: Sequence[str] = (), sites: Sequence[str] = (),
                published_from: Optional[_dt.datetime] = None,
                published_to: Optional[_dt.datetime] = None,
                fetched_from: Optional[_dt.datetime] = None,
                fetched_to: Optional[_dt.datetime] = None,
                language: str = "") -> pb.ArticleFilter:
    f = pb.ArticleFilter(authors=list(authors), sites=list(sites), language=language)
    for field, start, end in (("published", published_from, published_to),
                              ("fetched", fetched_from, fetched_to)):
        if start is not None:
            getattr(f, field).start_time.CopyFrom(_timestamp(start))
        if end is not None:
            getattr(f, field).end_time.CopyFrom(_timestamp(end))
    return f


class QueryClient:
    """One channel to a query service. Every call takes `timeout` seconds."""

    def __init__(self, address: str, timeout: float = 30.0,
                 channel: Optional[grpc.Channel] = None) -> None:
        self._channel = channel or grpc.insecure_channel(address)
        self._stub = query_grpc.QueryServiceStub(self._channel)
        self.timeout = timeout

    def close(self) -> None:
        self._channel.close()

    def __enter__(self) -> "QueryClient":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def search(self, query: str = "", page_size: int = 10, page_token: str = "",
               order_by: str = "", include_duplicates: bool = False,
               filter: Optional[pb.ArticleFilter] = None, **filter_args) -> pb.SearchArticlesResponse:
        request = pb.SearchArticlesRequest(
            query=query, page_size=page_size, page_token=page_token, order_by=order_by,
            include_duplicates=include_duplicates, filter=filter or make_filter(**filter_args))
        return self._stub.SearchArticles(request, timeout=self.timeout)

    def search_all(self, query: str = "", page_size: int = 100, **kwargs) -> Iterator[pb.SearchHit]:
        """Every hit of every page, following next_page_token."""
        token = ""
        while True:
            page = self.search(query, page_size=page_size, page_token=token, **kwargs)
            yield from page.hits
            token = page.next_page_token
            if not token:
                return

    def get(self, article_id: str):
        return self._stub.GetArticle(pb.GetArticleRequest(id=article_id), timeout=self.timeout)

    def batch_get(self, ids: Iterable[str]):
        return list(self._stub.BatchGetArticles(pb.BatchGetArticlesRequest(ids=list(ids)),
                                                timeout=self.timeout).articles)

    def list_articles(self, page_size: int = 10, page_token: str = "",
                      include_duplicates: bool = False, **filter_args) -> pb.ListArticlesResponse:
        request = pb.ListArticlesRequest(page_size=page_size, page_token=page_token,
                                         include_duplicates=include_duplicates,
                                         filter=make_filter(**filter_args))
        return self._stub.ListArticles(request, timeout=self.timeout)

    def list_authors(self, page_size: int = 10, page_token: str = "") -> pb.ListAuthorsResponse:
        return self._stub.ListAuthors(pb.ListAuthorsRequest(page_size=page_size,
                                                            page_token=page_token),
                                      timeout=self.timeout)

    def get_author(self, name: str) -> pb.AuthorProfile:
        return self._stub.GetAuthor(pb.GetAuthorRequest(name=name), timeout=self.timeout)

    def similar(self, article_id: str, page_size: int = 10):
        return list(self._stub.FindSimilarArticles(
            pb.FindSimilarArticlesRequest(id=article_id, page_size=page_size),
            timeout=self.timeout).articles)

    def list_comments(self, article_id: str, page_size: int = 10,
                      page_token: str = "") -> pb.ListCommentsResponse:
        """Reader comments on the pages the article was found on, oldest first."""
        return self._stub.ListComments(pb.ListCommentsRequest(article_id=article_id,
                                                              page_size=page_size,
                                                              page_token=page_token),
                                       timeout=self.timeout)

    def watch(self, query: str = "", resume_token: str = "", include_duplicates: bool = False,
              timeout: Optional[float] = None, **filter_args):
        """A server stream of WatchArticlesResponse; cancel() it to stop.

        `timeout` (seconds) bounds the whole stream; None = until cancelled.
        """
        request = pb.WatchArticlesRequest(query=query, resume_token=resume_token,
                                          include_duplicates=include_duplicates,
                                          filter=make_filter(**filter_args))
        return self._stub.WatchArticles(request, timeout=timeout)
