"""Validation of a batch's input JSONL, streamed line by line, which also plans the chunks.

Lines are counted from 1; blank lines count but are skipped. Every problem is reported (up to
STACK_BATCH_MAX_ERRORS) with OpenAI's codes. While reading, the byte offset of each line is noted, so
that the plan gives each chunk a byte range that its task reads alone.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from apis.batches.conf import BatchSettings
from apis.batches.services import ChunkPlan

# Required body fields per endpoint, with the types each may have and how to describe them.
BODY_FIELDS: dict[str, dict[str, tuple[tuple[type, ...], str]]] = {
    "/v1/chat/completions": {"model": ((str,), "a string"), "messages": ((list,), "a non-empty array of messages")},
    "/v1/completions": {"model": ((str,), "a string"), "prompt": ((str, list), "a string or an array")},
    "/v1/embeddings": {"model": ((str,), "a string"), "input": ((str, list), "a string or an array")},
}
REQUEST_FIELDS: dict[str, tuple[type, str]] = {
    "custom_id": (str, "a string"),
    "method": (str, "a string"),
    "url": (str, "a string"),
    "body": (dict, "an object"),
}


def batch_error(code: str, message: str, *, param: str | None = None, line: int | None = None) -> dict[str, Any]:
    return {"code": code, "message": message, "param": param, "line": line}


@dataclass
class Validation:
    errors: list[dict[str, Any]] = field(default_factory=list)
    chunks: list[ChunkPlan] = field(default_factory=list)
    models: set[str] = field(default_factory=set)
    providers: set[str] = field(default_factory=set)

    @property
    def model(self) -> str | None:
        return next(iter(self.models)) if len(self.models) == 1 else None

    @property
    def provider_id(self) -> str:
        return next(iter(self.providers)) if len(self.providers) == 1 else ""


class ModelResolver:
    """The provider of each model named in the input, looked up once per distinct name."""

    def __init__(self, lookup: Callable[[str], str | None]) -> None:
        self.lookup = lookup
        self.known: dict[str, str | None] = {}

    def provider_of(self, model: str) -> str | None:
        if model not in self.known:
            self.known[model] = self.lookup(model)
        return self.known[model]


class ChunkPlanner:
    def __init__(self, chunk_size: int) -> None:
        self.chunk_size = chunk_size
        self.chunks: list[ChunkPlan] = []
        self.first_line = 0
        self.last_line = 0
        self.byte_start = 0
        self.byte_end = 0
        self.count = 0

    def add(self, line: int, start: int, end: int) -> None:
        if self.count == 0:
            self.first_line, self.byte_start = line, start
        self.last_line, self.byte_end = line, end
        self.count += 1
        if self.count == self.chunk_size:
            self.close()

    def close(self) -> None:
        if self.count:
            self.chunks.append(
                ChunkPlan(len(self.chunks), self.first_line, self.last_line, self.byte_start, self.byte_end, self.count)
            )
            self.count = 0


def _check_line(
    data: Any, endpoint: str, line: int, resolver: ModelResolver, validation: Validation
) -> list[dict[str, Any]]:
    if not isinstance(data, dict):
        return [batch_error("invalid_request", "Each line must be a JSON object.", line=line)]
    errors = []
    for name, (kind, described) in REQUEST_FIELDS.items():
        if name not in data:
            errors.append(
                batch_error(
                    "missing_required_parameter", f"Missing required parameter: '{name}'.", param=name, line=line
                )
            )
        elif not isinstance(data[name], kind):
            errors.append(batch_error("invalid_request", f"'{name}' must be {described}.", param=name, line=line))
    if isinstance(data.get("method"), str) and data["method"] != "POST":
        errors.append(
            batch_error(
                "invalid_request",
                f"Only the POST method is supported, not '{data['method']}'.",
                param="method",
                line=line,
            )
        )
    if isinstance(data.get("url"), str) and data["url"] != endpoint:
        errors.append(
            batch_error(
                "invalid_url",
                f"The url '{data['url']}' does not match the batch's endpoint '{endpoint}'.",
                param="url",
                line=line,
            )
        )
    body = data.get("body")
    if not isinstance(body, dict):
        return errors
    if body.get("stream") is True:
        errors.append(
            batch_error(
                "streaming_unsupported", "Streaming is not supported in batches.", param="body.stream", line=line
            )
        )
    for name, (kinds, described) in BODY_FIELDS[endpoint].items():
        param = f"body.{name}"
        value = body.get(name)
        if name not in body:
            errors.append(
                batch_error("invalid_request", f"Missing required parameter: '{param}'.", param=param, line=line)
            )
        elif not isinstance(value, kinds) or isinstance(value, bool) or (isinstance(value, list | str) and not value):
            errors.append(batch_error("invalid_request", f"'{param}' must be {described}.", param=param, line=line))
    model = body.get("model")
    if isinstance(model, str) and model:
        provider_id = resolver.provider_of(model)
        if provider_id is None:
            errors.append(
                batch_error(
                    "model_not_found",
                    f"The model '{model}' does not exist or you do not have access to it.",
                    param="body.model",
                    line=line,
                )
            )
        else:
            validation.models.add(model)
            validation.providers.add(provider_id)
    return errors


def validate_input(
    lines: Iterable[bytes], *, endpoint: str, conf: BatchSettings, lookup_model: Callable[[str], str | None]
) -> Validation:
    """Validate the input's lines (bytes, each with its newline) and plan its chunks."""
    validation = Validation()
    resolver = ModelResolver(lookup_model)
    planner = ChunkPlanner(conf.chunk_size)
    seen: dict[str, int] = {}
    requests = 0
    offset = 0

    def report(errors: list[dict[str, Any]]) -> bool:
        room = conf.max_errors - len(validation.errors)
        validation.errors.extend(errors[:room])
        return len(validation.errors) >= conf.max_errors

    for number, raw in enumerate(lines, start=1):
        start, offset = offset, offset + len(raw)
        if not raw.strip():
            continue
        requests += 1
        if requests > conf.max_lines:
            report([batch_error("invalid_request", f"The input file has more than {conf.max_lines} requests.")])
            break
        try:
            data = json.loads(raw)
        except ValueError:
            if report([batch_error("invalid_json_line", "This line is not parseable as valid JSON.", line=number)]):
                break
            continue
        errors = _check_line(data, endpoint, number, resolver, validation)
        custom_id = data.get("custom_id") if isinstance(data, dict) else None
        if isinstance(custom_id, str):
            if custom_id in seen:
                errors.append(
                    batch_error(
                        "duplicate_custom_id",
                        f"The custom_id '{custom_id}' is already used on line {seen[custom_id]}.",
                        param="custom_id",
                        line=number,
                    )
                )
            else:
                seen[custom_id] = number
        if errors and report(errors):
            break
        planner.add(number, start, offset)
    planner.close()
    if requests == 0 and not validation.errors:
        report([batch_error("invalid_request", "The input file has no requests.", param="input_file_id")])
    validation.chunks = planner.chunks
    return validation
