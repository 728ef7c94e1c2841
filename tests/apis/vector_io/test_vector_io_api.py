"""/v1/vector-io insert and query end to end: the inline::orm provider, embeddings from the test upstream.

The upstream's embeddings are not semantic (a hash of the text): a query finds the chunk with the
very same text at similarity 1, and the others anywhere in [-1, 1].
"""

import pytest
from django.core.cache import cache
from django.test import Client

from apis.access.services import api_key_create
from apis.vector_io.models import VectorChunk
from apis.vector_io.routing import EMBEDDING_BATCH_SIZE
from tests.support.upstream import Upstream, embedding_of

pytestmark = pytest.mark.django_db

WORDS = ["alpha", "beta", "gamma", "delta", "epsilon"]


def post(client: Client, path: str, headers: dict[str, str] | None = None, **body: object):
    return client.post(path, body, content_type="application/json", headers=headers or {})


@pytest.fixture
def vector_db(client: Client, provider: str) -> str:
    assert post(client, "/v1/vector-dbs", vector_db_id="kb", embedding_model="embed").status_code == 200
    return "kb"


def insert(client: Client, chunks: list[dict], vector_db_id: str = "kb", headers: dict[str, str] | None = None):
    return post(client, "/v1/vector-io/insert", headers, vector_db_id=vector_db_id, chunks=chunks)


def query(client: Client, text: str, vector_db_id: str = "kb", headers: dict[str, str] | None = None, **params):
    return post(client, "/v1/vector-io/query", headers, vector_db_id=vector_db_id, query=text, params=params)


def test_inserted_chunks_are_found_by_cosine_similarity(client: Client, vector_db: str, upstream: Upstream) -> None:
    upstream.reset()
    chunks = [{"content": word, "metadata": {"document_id": f"doc-{i}"}} for i, word in enumerate(WORDS)]
    inserted = insert(client, chunks)
    assert inserted.status_code == 200, inserted.content
    assert inserted.json() == {"vector_db_id": "kb", "inserted": 5}
    [embeddings_call] = [r for r in upstream.requests() if r["path"] == "/v1/embeddings"]
    assert embeddings_call["body"] == {"model": "embed-model", "input": WORDS}

    found = query(client, "gamma", max_chunks=2)
    assert found.status_code == 200, found.content
    body = found.json()
    assert body["chunks"][0]["content"] == "gamma"
    assert body["chunks"][0]["metadata"] == {"document_id": "doc-2"}
    assert body["chunks"][0]["chunk_id"]
    assert len(body["chunks"]) == 2
    assert body["scores"][0] == pytest.approx(1.0, abs=1e-5)
    # The second best is the word whose (hash) vector is nearest to gamma's.
    target = embedding_of("gamma")
    others = sorted(
        (sum(a * b for a, b in zip(embedding_of(word), target, strict=True)), word) for word in WORDS if word != "gamma"
    )
    assert body["chunks"][1]["content"] == others[-1][1]
    assert body["scores"][1] == pytest.approx(others[-1][0], abs=1e-4)

    everything = query(client, "gamma", max_chunks=10, score_threshold=-1.0).json()
    assert sorted(c["content"] for c in everything["chunks"]) == sorted(WORDS)
    assert everything["scores"] == sorted(everything["scores"], reverse=True)
    only_exact = query(client, "gamma", max_chunks=10, score_threshold=0.999).json()
    assert [c["content"] for c in only_exact["chunks"]] == ["gamma"]


def test_embeddings_are_computed_in_batches_and_same_ids_replace(
    client: Client, vector_db: str, upstream: Upstream
) -> None:
    upstream.reset()
    count = EMBEDDING_BATCH_SIZE * 2 + 5
    chunks = [{"content": f"text {i}", "chunk_id": f"c{i}"} for i in range(count)]
    assert insert(client, chunks).json()["inserted"] == count
    sizes = [len(r["body"]["input"]) for r in upstream.requests() if r["path"] == "/v1/embeddings"]
    assert sizes == [EMBEDDING_BATCH_SIZE, EMBEDDING_BATCH_SIZE, 5]
    assert VectorChunk.objects.count() == count
    # The same chunk_id again replaces the chunk, within a request and across requests.
    replaced = insert(client, [{"content": "first", "chunk_id": "c0"}, {"content": "text 0 again", "chunk_id": "c0"}])
    assert replaced.json()["inserted"] == 1
    assert VectorChunk.objects.count() == count
    assert VectorChunk.objects.get(chunk_id="c0").content == "text 0 again"
    assert query(client, "text 0 again", max_chunks=1).json()["chunks"][0]["chunk_id"] == "c0"
    # Without chunk_id, the same document and text make the same id.
    insert(client, [{"content": [{"type": "text", "text": "twice"}], "metadata": {"document_id": "d"}}])
    insert(client, [{"content": [{"type": "text", "text": "twice"}], "metadata": {"document_id": "d"}}])
    assert VectorChunk.objects.count() == count + 1


def test_client_computed_vectors_are_used_as_given(client: Client, vector_db: str, upstream: Upstream) -> None:
    upstream.reset()
    vector = [1.0, 0, 0, 0, 0, 0, 0, 0]
    assert insert(client, [{"content": "given", "embedding": vector}]).status_code == 200
    assert not [r for r in upstream.requests() if r["path"] == "/v1/embeddings"]
    wrong = insert(client, [{"content": "ok"}, {"content": "short", "embedding": [1.0, 2.0]}])
    assert wrong.status_code == 400
    assert wrong.json()["error"] == {
        "message": "chunks[1].embedding has 2 dimensions; vector DB 'kb' has 8.",
        "type": "invalid_request_error",
        "code": None,
        "param": "chunks.1.embedding",
    }
    assert VectorChunk.objects.count() == 1


def test_unregistering_a_vector_db_deletes_its_chunks(client: Client, vector_db: str) -> None:
    insert(client, [{"content": word} for word in WORDS])
    post(client, "/v1/vector-dbs", vector_db_id="other", embedding_model="embed")
    insert(client, [{"content": "kept"}], vector_db_id="other")
    assert client.delete("/v1/vector-dbs/kb").status_code == 200
    assert list(VectorChunk.objects.values_list("store", flat=True)) == ["other"]
    # Registered again, it starts empty.
    post(client, "/v1/vector-dbs", vector_db_id="kb", embedding_model="embed")
    assert query(client, "alpha", score_threshold=-1.0).json() == {"chunks": [], "scores": []}


def test_unknown_vector_dbs_are_404(client: Client, vector_db: str) -> None:
    for response in (insert(client, [{"content": "x"}], vector_db_id="nope"), query(client, "x", vector_db_id="nope")):
        assert response.status_code == 404
        assert response.json()["error"] == {
            "message": "Vector DB 'nope' not found.",
            "type": "invalid_request_error",
            "code": "not_found",
            "param": "vector_db_id",
        }


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("/v1/vector-io/insert", {"vector_db_id": "kb", "chunks": []}, "chunks"),
        ("/v1/vector-io/insert", {"vector_db_id": "kb", "chunks": [{"content": " "}]}, "chunks.0.content"),
        ("/v1/vector-io/insert", {"vector_db_id": "kb", "chunks": [{"text": "x"}]}, "chunks.0"),
        ("/v1/vector-io/query", {"vector_db_id": "kb", "query": "x", "params": {"max_chunks": 0}},
         "params.max_chunks"),
        ("/v1/vector-io/query", {"vector_db_id": "kb", "query": "x", "params": {"score_threshold": 2}},
         "params.score_threshold"),
        ("/v1/vector-io/query", {"vector_db_id": "kb", "query": ""}, "query"),
        ("/v1/vector-io/query", {"vector_db_id": "kb"}, "query"),
    ],
)
def test_bad_bodies_are_400(client: Client, vector_db: str, path: str, body: dict, param: str) -> None:
    response = client.post(path, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["error"]["param"].startswith(param)


def test_failing_embeddings_store_nothing(client: Client, provider: str, upstream: Upstream) -> None:
    from apis.models.services import model_register

    model_register(identifier="broken", provider_id="up", provider_resource_id="fail-400", model_type="embedding",
                   metadata={"embedding_dimension": 8})
    post(client, "/v1/vector-dbs", vector_db_id="kb", embedding_model="broken")
    response = insert(client, [{"content": "x"}])
    assert response.status_code == 400
    assert response.json()["error"]["message"] == "The test upstream rejects this request."
    assert not VectorChunk.objects.exists()


def test_embeddings_of_the_wrong_length_are_502(client: Client, provider: str) -> None:
    from apis.models.services import model_register

    # The model claims 16 dimensions; the service returns 8.
    model_register(identifier="liar", provider_id="up", provider_resource_id="embed-model", model_type="embedding",
                   metadata={"embedding_dimension": 16})
    post(client, "/v1/vector-dbs", vector_db_id="kb", embedding_model="liar")
    response = insert(client, [{"content": "x"}])
    assert response.status_code == 502
    assert response.json()["error"]["message"] == (
        "Embedding model 'liar' returned a vector of 8 dimensions; vector DB 'kb' has 16."
    )


def test_others_vector_dbs_cannot_be_read_or_written(client: Client, stack_config, upstream: Upstream) -> None:
    cache.clear()
    stack_config(
        "server: {auth: {provider_config: {type: api_keys}}}\n"
        f"providers: {{inference: [{{provider_id: up, provider_type: 'remote::openai-compat',"
        f" config: {{base_url: '{upstream.base_url}'}}}}], vector_io: [{{provider_id: orm,"
        " provider_type: 'inline::orm'}]}\n"
        "registered_resources: {models: [{model_id: embed, provider_model_id: embed-model, model_type: embedding,"
        " metadata: {embedding_dimension: 8}}]}"
    )
    alice = {"Authorization": f"Bearer {api_key_create(principal='alice').key}"}
    bob = {"Authorization": f"Bearer {api_key_create(principal='bob').key}"}
    assert post(client, "/v1/vector-dbs", alice, vector_db_id="kb", embedding_model="embed").status_code == 200
    assert insert(client, [{"content": "secret"}], headers=alice).status_code == 200
    assert query(client, "secret", headers=alice).json()["chunks"][0]["content"] == "secret"
    assert insert(client, [{"content": "spam"}], headers=bob).status_code == 404
    assert query(client, "secret", headers=bob).status_code == 404
    assert VectorChunk.objects.count() == 1
