"""From a dataset row to the candidate's chat request, and from its answer to the row the scoring functions read."""

import json
from typing import Any

from apis.common.errors import (
    BadRequestError,
    StackError,
    UpstreamError,
    UpstreamTimeoutError,
    UpstreamUnavailableError,
)
from apis.eval.schemas import ModelCandidate, TopKSamplingStrategy, TopPSamplingStrategy
from apis.inference.schemas import ChatCompletion, ChatCompletionRequest

MESSAGE_COLUMNS = ("messages", "chat_completion_input")
QUESTION_COLUMNS = ("input_query", "question")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def row_messages(row: dict[str, Any], index: int) -> list[dict[str, Any]]:
    """The conversation a row asks the candidate to continue: its messages, or its question as a user message."""
    for column in MESSAGE_COLUMNS:
        if column not in row:
            continue
        value = row[column]
        if isinstance(value, str):
            # CSV datasets hold the messages as JSON text.
            try:
                value = json.loads(value)
            except ValueError:
                raise BadRequestError(f"Row {index}: '{column}' is not a JSON list of messages.") from None
        if not isinstance(value, list) or not value or not all(isinstance(m, dict) and "role" in m for m in value):
            raise BadRequestError(f"Row {index}: '{column}' must be a non-empty list of messages with roles.")
        return value
    for column in QUESTION_COLUMNS:
        if row.get(column) is not None:
            return [{"role": "user", "content": _text(row[column])}]
    raise BadRequestError(
        f"Row {index} has none of the columns the candidate answers: {', '.join(MESSAGE_COLUMNS + QUESTION_COLUMNS)}."
    )


def completion_request(candidate: ModelCandidate, messages: list[dict[str, Any]]) -> ChatCompletionRequest:
    """The chat request for the candidate: its system message first, its sampling params as OpenAI's."""
    sampling = candidate.sampling_params
    strategy = sampling.strategy
    options: dict[str, Any] = {}
    if isinstance(strategy, TopPSamplingStrategy):
        options.update(temperature=strategy.temperature, top_p=strategy.top_p)
    elif isinstance(strategy, TopKSamplingStrategy):
        options["top_k"] = strategy.top_k
    else:
        options["temperature"] = 0.0
    options.update(
        max_tokens=sampling.max_tokens, stop=sampling.stop, repetition_penalty=sampling.repetition_penalty
    )
    system = [candidate.system_message.model_dump()] if candidate.system_message else []
    # Only what was given is sent: the model service keeps its own defaults for the rest.
    given = {name: value for name, value in options.items() if value is not None}
    return ChatCompletionRequest(model=candidate.model, messages=[*system, *messages], **given)


def answer_of(completion: ChatCompletion) -> str:
    choices = completion.choices
    content = (choices[0].get("message") or {}).get("content") if choices else None
    return content if isinstance(content, str) else ""


def scoring_row(row: dict[str, Any], generation: dict[str, Any]) -> dict[str, Any]:
    """The row the scoring functions read: the dataset row (its 'answer' and 'question' also under the names
    the functions use) with the generation."""
    scored = dict(row)
    if "expected_answer" not in scored and "answer" in scored:
        scored["expected_answer"] = scored["answer"]
    if "input_query" not in scored and "question" in scored:
        scored["input_query"] = scored["question"]
    scored.update(generation)
    return scored


def is_transient(error: StackError) -> bool:
    """Failures worth retrying: the model service was unreachable, timed out, overloaded or broken."""
    if isinstance(error, UpstreamUnavailableError | UpstreamTimeoutError):
        return True
    return isinstance(error, UpstreamError) and (error.status_code == 429 or error.status_code >= 500)
