"""A tiny OpenAI-compatible service that answers chat completions the way a Llama Guard model does.

The only fake here is the external model service: it reads the conversation out of the Llama Guard
prompt it is sent and judges its last message by keywords ("bomb" -> S1 and S9, "insult" -> S10,
"gibberish" -> not Llama Guard's format at all; anything else is safe).
"""

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.support.http import json_server

CONVERSATION = re.compile(r"<BEGIN CONVERSATION>\n\n(.*)\n\n<END CONVERSATION>", re.DOTALL)


def verdict(prompt: str) -> str:
    match = CONVERSATION.search(prompt)
    if match is None:
        return "not a Llama Guard prompt"
    last = match.group(1).split("\n\n")[-1].lower()
    if "gibberish" in last:
        return "I would rather not say."
    if "bomb" in last:
        return "unsafe\nS1,S9"
    if "insult" in last:
        return "unsafe\nS10"
    return "safe"


def answer(method: str, path: str, body: Any) -> tuple[int, Any]:
    if (method, path) != ("POST", "/v1/chat/completions"):
        return 404, {"error": {"message": f"No route {method} {path}.", "type": "invalid_request_error"}}
    prompt = body["messages"][-1]["content"]
    return 200, {
        "id": "chatcmpl-guard",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": body["model"],
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": verdict(prompt)}, "finish_reason": "stop"}
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }


@contextmanager
def guard_upstream() -> Iterator[tuple[str, list[tuple[str, str, Any]]]]:
    """Yields the service's OpenAI base URL and the list of requests it receives."""
    with json_server(answer) as url:
        yield f"{url}/v1", answer.calls  # type: ignore[attr-defined]
