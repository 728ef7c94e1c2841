"""Chat completions from SmolLM2-135M-Instruct: answers, streaming, sampling controls and limits."""

import pytest

from apis.common.errors import BadRequestError, ModelNotFoundError
from apis.inference.schemas import ChatCompletion, ChatCompletionRequest
from tests.providers.inline.inference.support import CHAT_MODEL, EMBEDDING_MODEL, collect, run

QUESTION = [{"role": "user", "content": "Write a short story about a dragon who learns to bake bread."}]


def chat(provider, **fields) -> ChatCompletion:
    request = ChatCompletionRequest.model_validate({"model": CHAT_MODEL, "messages": QUESTION, **fields})
    return run(provider.openai_chat_completion(request))


def stream_chat(provider, **fields) -> list:
    request = ChatCompletionRequest.model_validate(
        {"model": CHAT_MODEL, "messages": QUESTION, "stream": True, **fields}
    )

    async def go() -> list:
        return await collect(await provider.openai_chat_completion(request))

    return run(go())


def test_a_chat_gets_an_assistant_answer_with_its_token_usage(provider):
    answer = chat(provider, max_tokens=24, temperature=0)
    (choice,) = answer.choices
    assert choice["message"]["role"] == "assistant"
    assert choice["message"]["content"].strip()
    assert choice["finish_reason"] in {"stop", "length"}
    assert answer.model == CHAT_MODEL
    assert answer.id.startswith("chatcmpl-")
    usage = answer.usage
    assert usage is not None
    assert usage["prompt_tokens"] > len(QUESTION[0]["content"].split())  # the chat template adds its own tokens
    assert 0 < usage["completion_tokens"] <= 24
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"]


def test_max_tokens_bounds_the_answer(provider):
    answer = chat(provider, max_tokens=5, temperature=0)
    assert answer.choices[0]["finish_reason"] == "length"
    assert answer.usage["completion_tokens"] == 5


def test_max_completion_tokens_is_used_before_max_tokens(provider):
    answer = chat(provider, max_completion_tokens=3, max_tokens=40, temperature=0)
    assert answer.usage["completion_tokens"] == 3


def test_temperature_zero_always_gives_the_same_answer(provider):
    first = chat(provider, max_tokens=20, temperature=0)
    second = chat(provider, max_tokens=20, temperature=0)
    assert first.choices[0]["message"] == second.choices[0]["message"]


def test_a_seed_repeats_a_sampled_answer_and_other_seeds_vary_it(provider):
    def sampled(seed: int) -> str:
        return chat(provider, max_tokens=24, temperature=1.2, seed=seed).choices[0]["message"]["content"]

    assert sampled(7) == sampled(7)
    assert len({sampled(seed) for seed in (1, 2, 3)}) > 1


def test_a_stop_sequence_ends_the_answer_before_it(provider):
    full = chat(provider, max_tokens=40, temperature=0).choices[0]["message"]["content"]
    words = full.split()
    assert len(words) > 6, full
    stop = f" {words[4]}"
    cut = full[: full.index(stop)]
    answer = chat(provider, max_tokens=40, temperature=0, stop=[stop, "never appears"])
    assert answer.choices[0]["message"]["content"] == cut
    assert answer.choices[0]["finish_reason"] == "stop"
    assert answer.usage["completion_tokens"] < 40


def test_streaming_sends_the_answer_token_by_token(provider):
    whole = chat(provider, max_tokens=20, temperature=0)
    chunks = stream_chat(provider, max_tokens=20, temperature=0, stream_options={"include_usage": True})
    assert chunks[0].choices[0]["delta"] == {"role": "assistant", "content": ""}
    pieces = [chunk.choices[0]["delta"].get("content") for chunk in chunks[1:] if chunk.choices]
    text_pieces = [piece for piece in pieces if piece]
    assert len(text_pieces) >= 10, "expected one chunk per token or so"
    assert "".join(text_pieces) == whole.choices[0]["message"]["content"]
    finishing = [chunk for chunk in chunks if chunk.choices and chunk.choices[0]["finish_reason"]]
    assert [chunk.choices[0]["finish_reason"] for chunk in finishing] == [whole.choices[0]["finish_reason"]]
    assert finishing[0].choices[0]["delta"] == {}
    assert chunks[-1].choices == []
    assert chunks[-1].usage == whole.usage
    assert all(chunk.object == "chat.completion.chunk" and chunk.id == chunks[0].id for chunk in chunks)


def test_a_stream_without_include_usage_has_no_usage_chunk(provider):
    chunks = stream_chat(provider, max_tokens=4, temperature=0)
    assert all(chunk.choices for chunk in chunks)
    assert all(chunk.usage is None for chunk in chunks)


def test_a_streamed_answer_stops_before_the_stop_sequence_too(provider):
    full = chat(provider, max_tokens=40, temperature=0).choices[0]["message"]["content"]
    stop = f" {full.split()[5]}"
    chunks = stream_chat(provider, max_tokens=40, temperature=0, stop=stop)
    text = "".join(chunk.choices[0]["delta"].get("content", "") for chunk in chunks)
    assert text == full[: full.index(stop)]
    assert chunks[-1].choices[0]["finish_reason"] == "stop"


def test_n_gives_that_many_choices(provider):
    answer = chat(provider, max_tokens=8, temperature=1.0, seed=3, n=2)
    assert [choice["index"] for choice in answer.choices] == [0, 1]
    assert answer.choices[0]["message"]["content"] != answer.choices[1]["message"]["content"]
    assert answer.usage["completion_tokens"] <= 16


def test_text_content_parts_and_a_system_message_are_understood(provider):
    messages = [
        {"role": "developer", "content": "You answer in one word."},
        {"role": "user", "content": [{"type": "text", "text": "Name a colour."}]},
    ]
    answer = chat(provider, messages=messages, max_tokens=6, temperature=0)
    assert answer.choices[0]["message"]["content"].strip()


def test_a_conversation_longer_than_the_context_is_refused_naming_the_limit(provider):
    long_question = [{"role": "user", "content": "tell me more about this " * 600}]
    with pytest.raises(BadRequestError) as caught:
        chat(provider, messages=long_question, max_tokens=8)
    assert caught.value.status_code == 400
    assert caught.value.code == "context_length_exceeded"
    assert "maximum context length is 2048 tokens" in caught.value.message
    assert caught.value.param == "messages"


def test_asking_for_more_tokens_than_the_context_leaves_is_refused(provider):
    with pytest.raises(BadRequestError, match=r"maximum context length is 2048 tokens.*in the completion"):
        chat(provider, max_tokens=2048)


def test_an_overflowing_stream_is_refused_before_any_chunk(provider):
    long_question = [{"role": "user", "content": "again " * 3000}]
    with pytest.raises(BadRequestError, match="2048"):
        stream_chat(provider, messages=long_question)


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"tools": [{"type": "function", "function": {"name": "f", "parameters": {}}}]}, "tools"),
        ({"response_format": {"type": "json_object"}}, "response_format"),
        ({"logprobs": True}, "logprobs"),
        ({"logit_bias": {"50": 1.0}}, "logit_bias"),
        ({"stop": ["a", "b", "c", "d", "e"]}, "stop"),
        ({"messages": [{"role": "user", "content": [{"type": "image_url", "image_url": {"url": "x"}}]}]}, None),
        ({"messages": [{"role": "robot", "content": "hi"}]}, "messages[0].role"),
    ],
)
def test_what_this_provider_cannot_do_is_a_bad_request(provider, fields, param):
    with pytest.raises(BadRequestError) as caught:
        chat(provider, max_tokens=4, **fields)
    if param:
        assert caught.value.param == param
    else:
        assert caught.value.param == "messages[0].content"


def test_the_embedding_model_does_not_chat(provider):
    with pytest.raises(BadRequestError, match="does not serve chat completions"):
        run(provider.openai_chat_completion(ChatCompletionRequest(model=EMBEDDING_MODEL, messages=QUESTION)))


def test_an_unknown_model_is_not_found(provider):
    with pytest.raises(ModelNotFoundError):
        run(provider.openai_chat_completion(ChatCompletionRequest(model="nope", messages=QUESTION)))
