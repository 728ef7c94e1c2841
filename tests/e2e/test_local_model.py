"""End to end: the default distribution with the built-in local model switched on, as scripts/run.sh starts
it: the real server (uvicorn) and a real Celery worker, used with the official openai client. No model
service anywhere: SmolLM2 and Gemma run on this machine's CPU, in the web process and in the worker.
"""

import json
import math
import time
from collections.abc import Iterator

import openai
import pytest

from tests.apis.batches.support import jsonl
from tests.providers.inline.inference.support import missing_local_model
from tests.support.server import ROOT, StackServer

CHAT = "local/smollm2-135m-instruct"
COMPLETION = "local/gemma3-270m"
EMBEDDING = "local/gemma3-270m-embedding"
QUESTION = [{"role": "user", "content": "Name three colours."}]
ENGINE = {
    "STACK_LOCAL_MODEL": "1",
    "STACK_MAINTENANCE_INTERVAL": "1",
    "STACK_BATCH_FLUSH_SECONDS": "0.2",
    "STACK_BATCH_CHUNK_SIZE": "2",
    # The local provider runs one request at a time per process: no more batch work in flight than that.
    "STACK_BATCH_PROVIDER_LIMITS": "local=1",
}

pytestmark = pytest.mark.skipif(missing_local_model() is not None, reason=missing_local_model() or "")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StackServer]:
    with StackServer(
        tmp_path_factory.mktemp("local-model-e2e"), ROOT / "distributions" / "default.yaml", extra_env=ENGINE
    ).running() as stack:
        stack.start_worker(concurrency=1, beat=True)
        yield stack


@pytest.fixture(scope="module")
def client(server: StackServer) -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0, timeout=120)


def test_the_local_models_are_registered(client: openai.OpenAI) -> None:
    models = {model.id: model for model in client.models.list()}
    assert {CHAT, COMPLETION, EMBEDDING} <= set(models)


def test_chat_with_the_local_model(client: openai.OpenAI) -> None:
    answer = client.chat.completions.create(model=CHAT, messages=QUESTION, max_tokens=16, temperature=0)
    assert answer.model == CHAT
    assert answer.choices[0].message.role == "assistant"
    assert answer.choices[0].message.content
    assert answer.usage is not None and 0 < answer.usage.completion_tokens <= 16

    chunks = list(
        client.chat.completions.create(
            model=CHAT,
            messages=QUESTION,
            max_tokens=16,
            temperature=0,
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    pieces = [chunk.choices[0].delta.content for chunk in chunks if chunk.choices and chunk.choices[0].delta.content]
    assert len(pieces) > 3
    assert "".join(pieces) == answer.choices[0].message.content
    assert chunks[-1].usage is not None and chunks[-1].usage.completion_tokens == answer.usage.completion_tokens


def test_completion_and_embeddings_with_the_local_models(client: openai.OpenAI) -> None:
    completion = client.completions.create(model=COMPLETION, prompt="The sky is", max_tokens=8, temperature=0)
    assert completion.choices[0].text
    # The openai client asks for base64 and decodes it.
    response = client.embeddings.create(
        model=EMBEDDING, input=["A dog runs in the park.", "A puppy plays outside.", "Taxes are due in April."]
    )
    dog, puppy, taxes = (item.embedding for item in response.data)
    assert len(dog) == 640

    def cosine(a: list[float], b: list[float]) -> float:
        return sum(x * y for x, y in zip(a, b, strict=True)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))

    assert cosine(dog, puppy) > cosine(dog, taxes)


def test_a_conversation_longer_than_the_context_is_a_400_naming_the_limit(client: openai.OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as caught:
        client.chat.completions.create(model=CHAT, messages=[{"role": "user", "content": "more words " * 2000}])
    assert caught.value.status_code == 400
    assert "maximum context length is 2048 tokens" in caught.value.message


def test_a_small_batch_runs_on_the_local_model(client: openai.OpenAI, server: StackServer) -> None:
    prompts = ["Name a fruit.", "Name an animal.", "Name a city.", "Name a colour."]
    lines = [
        {
            "custom_id": f"q{index}",
            "method": "POST",
            "url": "/v1/chat/completions",
            "body": {
                "model": CHAT,
                "messages": [{"role": "user", "content": prompt}],
                "max_tokens": 8,
                "temperature": 0,
            },
        }
        for index, prompt in enumerate(prompts)
    ]
    input_id = client.files.create(file=("local.jsonl", jsonl(lines)), purpose="batch").id
    batch = client.batches.create(input_file_id=input_id, endpoint="/v1/chat/completions", completion_window="24h")
    deadline = time.monotonic() + 240
    while batch.status not in {"completed", "failed", "expired", "cancelled"}:
        assert time.monotonic() < deadline, f"batch still {batch.status}: {batch}"
        time.sleep(0.5)
        batch = client.batches.retrieve(batch.id)
    assert batch.status == "completed", server.log_text()
    assert batch.request_counts is not None and batch.request_counts.completed == len(prompts)
    assert batch.output_file_id is not None
    output = {
        line["custom_id"]: line["response"]
        for line in map(json.loads, client.files.content(batch.output_file_id).text.splitlines())
    }
    assert set(output) == {f"q{index}" for index in range(len(prompts))}
    assert all(response["status_code"] == 200 for response in output.values())
    # Greedy decoding: the worker's answer is the one the web process gives for the same request.
    direct = client.chat.completions.create(
        model=CHAT, messages=[{"role": "user", "content": prompts[2]}], max_tokens=8, temperature=0
    )
    assert output["q2"]["body"]["choices"][0]["message"]["content"] == direct.choices[0].message.content
