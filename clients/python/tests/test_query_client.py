"""The Python client against the running stack: search, page, get, watch.

Addresses from BROADSHEET_INGEST_ADDR / BROADSHEET_QUERY_ADDR. Requests set
include_duplicates so that a generated article that happens to be a SimHash
near-duplicate of another run's is not collapsed away. Under CI=true
an unreachable stack fails the tests; elsewhere they skip.
"""
import os
import random
import string
import threading
import time

import grpc
import pytest

from broadsheet_client import (QueryClient, article_pb, ingest_grpc, ingest_pb, pb,
                               render_snippet)

INGEST = os.environ.get("BROADSHEET_INGEST_ADDR", "127.0.0.1:50051")
QUERY = os.environ.get("BROADSHEET_QUERY_ADDR", "127.0.0.1:50052")
WORDS = ("anglers farmers engineers council sewage monitoring equipment heavy rain residents "
         "letters paper company fine plan county hall evidence weeks public report months "
         "meadow bridge harbour school budget railway station hospital library market").split()


def nonce() -> str:
    return "qz" + "".join(random.choice(string.ascii_lowercase) for _ in range(10))


def page_text(word: str, n: int, salt: str) -> str:
    articles = []
    for i in range(n):
        rng = random.Random(f"{word}-{salt}-{i}")
        paragraphs = [f"The {word} story " + " ".join(rng.choice(WORDS) for _ in range(40)) + "."
                      for _ in range(4)]
        articles.append(f"The {word} inquiry reaches verdict {salt}{i}\n\n"
                        f"Campaigners say the {word} findings came too late.\n\n"
                        + "\n\n".join(paragraphs)
                        + "\n\nRuth Penhale is environment correspondent of the County Courier.\n")
    return "\n\nPhoto: Getty\nShow Hide image\n\n".join(articles)


def reachable(address: str) -> bool:
    channel = grpc.insecure_channel(address)
    try:
        grpc.channel_ready_future(channel).result(timeout=15)
        return True
    except grpc.FutureTimeoutError:
        return False
    finally:
        channel.close()


@pytest.fixture(scope="module")
def stack():
    if not (reachable(INGEST) and reachable(QUERY)):
        if os.environ.get("CI") == "true":
            pytest.fail(f"stack unreachable: ingest {INGEST}, query {QUERY} (run `make up`)")
        pytest.skip("stack not running (run `make up`); CI=true makes this a failure")
    channel = grpc.insecure_channel(INGEST)
    ingest = ingest_grpc.IngestServiceStub(channel)
    with QueryClient(QUERY) as client:
        yield ingest, client
    channel.close()


def ingest(stub, text: str) -> list:
    request = ingest_pb.IngestPageRequest(page=article_pb.RawPage(text=text))
    return list(stub.IngestPage(request, timeout=60).article_ids)


def wait_for(client: QueryClient, query: str, expected: int) -> pb.SearchArticlesResponse:
    deadline = time.time() + 90
    while True:
        response = client.search(query, include_duplicates=True)
        if response.total_size >= expected or time.time() > deadline:
            return response
        time.sleep(0.25)


def test_search_pages_and_gets(stack):
    ingest_stub, client = stack
    word = nonce()
    ids = ingest(ingest_stub, page_text(word, 3, "a")) + ingest(ingest_stub, page_text(word, 2, "b"))
    assert len(ids) == 5
    first = wait_for(client, word, 5)
    assert first.total_size == 5 and first.total_size_exact
    assert all("\ue000" in hit.snippet for hit in first.hits)
    assert "**" in render_snippet(first.hits[0].snippet)
    assert [f.value for f in first.facets.authors] == ["Ruth Penhale"]

    seen = [hit.article.id for hit in client.search_all(word, page_size=2, include_duplicates=True)]
    assert sorted(seen) == sorted(ids)
    newest = [hit.article.id for hit in client.search_all(word, page_size=2, order_by="newest",
                                                     include_duplicates=True)]
    assert sorted(newest) == sorted(ids)

    article = client.get(ids[0])
    assert article.id == ids[0] and len(article.paragraphs) == 4
    assert [a.id for a in client.batch_get(ids[::-1])] == ids[::-1]
    assert client.get_author("Ruth Penhale").article_count >= 5

    with pytest.raises(grpc.RpcError) as missing:
        client.get("0000000000000000")
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND
    with pytest.raises(grpc.RpcError) as bad:
        client.search(word, page_size=1000)
    assert bad.value.code() == grpc.StatusCode.INVALID_ARGUMENT


def test_comments_are_listed_for_every_article_of_the_page(stack):
    ingest_stub, client = stack
    word = nonce()
    comments = ("\n\n3 comments\n\nMorag Fyfe \u00b7 2 hours ago\n\n"
                f"The {word} verdict was a long time coming.\n\nReply \u00b7 Share\n\n"
                "Dan Pettigrew \u00b7 1 hour ago\n\nNobody on the council has read it.\n")
    ids = ingest(ingest_stub, page_text(word, 2, "c") + comments)
    assert len(ids) == 2
    wait_for(client, word, 2)
    for article_id in ids:
        listed = client.list_comments(article_id)
        assert [(c.author, c.text) for c in listed.comments] == [
            ("Morag Fyfe", f"The {word} verdict was a long time coming."),
            ("Dan Pettigrew", "Nobody on the council has read it.")]
        assert not listed.next_page_token
    first = client.list_comments(ids[0], page_size=1)
    rest = client.list_comments(ids[0], page_size=1, page_token=first.next_page_token)
    assert [c.author for c in [*first.comments, *rest.comments]] == ["Morag Fyfe", "Dan Pettigrew"]
    with pytest.raises(grpc.RpcError) as missing:
        client.list_comments("0000000000000000")
    assert missing.value.code() == grpc.StatusCode.NOT_FOUND


def test_watch_receives_new_articles_and_resumes(stack):
    ingest_stub, client = stack
    word = nonce()
    stream = client.watch(word, include_duplicates=True, timeout=120)
    stream.initial_metadata()  # the server has fixed the starting point
    ids = ingest(ingest_stub, page_text(word, 2, "w"))
    received = []
    for event in stream:
        received.append(event)
        if len(received) == 2:
            break
    stream.cancel()
    assert sorted(e.article.id for e in received) == sorted(ids)

    missed = ingest(ingest_stub, page_text(word, 1, "m"))
    wait_for(client, word, 3)
    resumed = client.watch(word, resume_token=received[-1].resume_token,
                           include_duplicates=True, timeout=60)
    event = next(iter(resumed))
    resumed.cancel()
    assert event.article.id == missed[0]
