"""Embeddings from Gemma 3 270M with mean pooling: meaning, shape, encodings and limits."""

import base64
import math
import struct

import pytest

from apis.common.errors import BadRequestError
from apis.inference.schemas import EmbeddingsRequest, EmbeddingsResponse
from tests.providers.inline.inference.support import CHAT_MODEL, EMBEDDING_MODEL, run


def embed(provider, texts, **fields) -> EmbeddingsResponse:
    request = EmbeddingsRequest.model_validate({"model": EMBEDDING_MODEL, "input": texts, **fields})
    return run(provider.openai_embeddings(request))


def vectors(provider, texts) -> list[list[float]]:
    return [item["embedding"] for item in embed(provider, texts).data]


def cosine(a: list[float], b: list[float]) -> float:
    return sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


@pytest.mark.parametrize(
    ("text", "related", "unrelated"),
    [
        ("A cat is sleeping on the sofa.", "A kitten naps on the couch.", "Interest rates rose by half a percent."),
        (
            "How do I bake sourdough bread?",
            "A recipe for baking bread with a starter.",
            "The goalkeeper saved a penalty.",
        ),
        ("The car would not start this morning.", "My vehicle's engine failed to turn on.", "Violets bloom in spring."),
    ],
)
def test_related_sentences_are_closer_than_unrelated_ones(provider, text, related, unrelated):
    anchor, near, far = vectors(provider, [text, related, unrelated])
    assert cosine(anchor, near) > cosine(anchor, far) + 0.05


def test_embeddings_have_640_unit_length_dimensions_in_input_order(provider):
    response = embed(provider, ["first", "second"])
    assert [item["index"] for item in response.data] == [0, 1]
    assert all(item["object"] == "embedding" for item in response.data)
    for item in response.data:
        assert len(item["embedding"]) == 640
        assert math.isclose(math.sqrt(sum(x * x for x in item["embedding"])), 1.0, rel_tol=1e-4)
    assert response.usage["prompt_tokens"] >= 2
    assert response.usage["total_tokens"] == response.usage["prompt_tokens"]


def test_a_batch_gives_each_text_the_embedding_it_gets_alone(provider):
    texts = [f"Sentence number {index} is about {topic}." for index, topic in enumerate(["rain", "chess", "tea"] * 4)]
    batch = vectors(provider, texts)
    for index in (0, 5, 11):
        (alone,) = vectors(provider, [texts[index]])
        assert cosine(batch[index], alone) > 0.999


def test_base64_is_the_same_vector_as_little_endian_floats(provider):
    (as_floats,) = vectors(provider, ["encode me"])
    encoded = embed(provider, "encode me", encoding_format="base64").data[0]["embedding"]
    decoded = struct.unpack(f"<{len(as_floats)}f", base64.b64decode(encoded))
    assert all(math.isclose(x, y, abs_tol=1e-6) for x, y in zip(decoded, as_floats, strict=True))


def test_list_provider_models_reports_types_and_the_embedding_dimension(provider):
    listed = {model.provider_model_id: model for model in run(provider.list_provider_models())}
    assert listed[CHAT_MODEL].model_type == "llm"
    assert listed[EMBEDDING_MODEL].model_type == "embedding"
    assert listed[EMBEDDING_MODEL].metadata["embedding_dimension"] == 640


def test_a_text_longer_than_the_context_is_refused_naming_the_limit(provider):
    with pytest.raises(BadRequestError) as caught:
        embed(provider, ["short", "word " * 3000])
    assert "maximum context length is 2048 tokens" in caught.value.message
    assert "input 1" in caught.value.message
    assert caught.value.param == "input"


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"input": ""}, "input"),
        ({"input": []}, "input"),
        ({"input": [1, 2, 3]}, "input"),
        ({"input": "x", "dimensions": 128}, "dimensions"),
    ],
)
def test_what_this_provider_cannot_embed_is_a_bad_request(provider, fields, param):
    with pytest.raises(BadRequestError) as caught:
        run(provider.openai_embeddings(EmbeddingsRequest.model_validate({"model": EMBEDDING_MODEL, **fields})))
    assert caught.value.param == param


def test_the_chat_model_does_not_embed(provider):
    with pytest.raises(BadRequestError, match="does not serve embeddings"):
        run(provider.openai_embeddings(EmbeddingsRequest(model=CHAT_MODEL, input="hello")))
