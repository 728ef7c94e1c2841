"""Text completions from Gemma 3 270M: answers, echo, several prompts, streaming and limits."""

import pytest

from apis.common.errors import BadRequestError
from apis.inference.schemas import Completion, CompletionRequest
from tests.providers.inline.inference.support import CHAT_MODEL, COMPLETION_MODEL, collect, run

PROMPT = "The three primary colours are"


def complete(provider, **fields) -> Completion:
    request = CompletionRequest.model_validate({"model": COMPLETION_MODEL, "prompt": PROMPT, **fields})
    return run(provider.openai_completion(request))


def test_a_prompt_is_continued_with_its_token_usage(provider):
    answer = complete(provider, max_tokens=12, temperature=0)
    (choice,) = answer.choices
    assert choice["text"].strip()
    assert not choice["text"].startswith(PROMPT)
    assert choice["finish_reason"] in {"stop", "length"}
    assert answer.object == "text_completion"
    assert answer.id.startswith("cmpl-")
    assert answer.usage["prompt_tokens"] >= len(PROMPT.split())
    assert 0 < answer.usage["completion_tokens"] <= 12
    assert answer.usage["total_tokens"] == answer.usage["prompt_tokens"] + answer.usage["completion_tokens"]


def test_echo_puts_the_prompt_before_the_completion(provider):
    plain = complete(provider, max_tokens=8, temperature=0).choices[0]["text"]
    echoed = complete(provider, max_tokens=8, temperature=0, echo=True).choices[0]["text"]
    assert echoed == PROMPT + plain


def test_several_prompts_get_one_choice_each_in_order(provider):
    prompts = [PROMPT, "Water boils at a temperature of"]
    answer = complete(provider, prompt=prompts, max_tokens=6, temperature=0)
    assert [choice["index"] for choice in answer.choices] == [0, 1]
    alone = complete(provider, prompt=prompts[1], max_tokens=6, temperature=0)
    assert answer.choices[1]["text"] == alone.choices[0]["text"]
    assert answer.usage["prompt_tokens"] == sum(
        complete(provider, prompt=prompt, max_tokens=1).usage["prompt_tokens"] for prompt in prompts
    )


def test_a_prompt_of_token_ids_is_read_as_tokens(provider):
    answer = complete(provider, prompt=[2, 818, 1806, 563], max_tokens=4, temperature=0)
    assert answer.usage["prompt_tokens"] == 4
    assert answer.choices[0]["text"]


def test_a_token_id_outside_the_vocabulary_is_a_bad_request(provider):
    with pytest.raises(BadRequestError, match="Token ids must be between 0 and"):
        complete(provider, prompt=[2, 10_000_000])


def test_a_streamed_completion_is_the_same_text_in_pieces(provider):
    whole = complete(provider, max_tokens=16, temperature=0)
    request = CompletionRequest(
        model=COMPLETION_MODEL, prompt=PROMPT, max_tokens=16, temperature=0, stream=True, echo=True
    )

    async def go() -> list:
        return await collect(await provider.openai_completion(request))

    chunks = run(go())
    texts = [chunk.choices[0]["text"] for chunk in chunks]
    assert texts[0] == PROMPT
    assert len([text for text in texts[1:] if text]) >= 8
    assert "".join(texts[1:]) == whole.choices[0]["text"]
    assert chunks[-1].choices[0]["finish_reason"] == whole.choices[0]["finish_reason"]
    assert all(chunk.object == "text_completion" for chunk in chunks)


def test_a_stop_sequence_ends_the_completion(provider):
    full = complete(provider, max_tokens=24, temperature=0).choices[0]["text"]
    stop = full.split()[2]
    answer = complete(provider, max_tokens=24, temperature=0, stop=stop)
    assert answer.choices[0]["text"] == full[: full.index(stop)]
    assert answer.choices[0]["finish_reason"] == "stop"


def test_the_chat_model_also_completes_text(provider):
    answer = run(
        provider.openai_completion(CompletionRequest(model=CHAT_MODEL, prompt="Once upon a time", max_tokens=5))
    )
    assert answer.usage["completion_tokens"] <= 5


def test_a_prompt_longer_than_the_context_is_refused_naming_the_limit(provider):
    with pytest.raises(BadRequestError) as caught:
        complete(provider, prompt="many words here " * 1000)
    assert caught.value.status_code == 400
    assert "maximum context length is 2048 tokens" in caught.value.message
    assert caught.value.param == "prompt"


@pytest.mark.parametrize(
    ("fields", "param"),
    [
        ({"suffix": "end"}, "suffix"),
        ({"logprobs": 2}, "logprobs"),
        ({"best_of": 3}, "best_of"),
        ({"prompt": []}, "prompt"),
    ],
)
def test_what_this_provider_cannot_do_is_a_bad_request(provider, fields, param):
    with pytest.raises(BadRequestError) as caught:
        complete(provider, max_tokens=2, **fields)
    assert caught.value.param == param
