"""Helpers shared by the dataset, scoring and eval tests (and the eval end-to-end test): the distribution
config with every provider these APIs need, and request helpers."""

import json
from typing import Any

from django.test import Client

# Models of the test upstream (tests.support.upstream): "echo" answers "echo: <last user message>".
MODELS: list[tuple[str, str, str]] = [
    ("echo", "echo-model", "llm"),
    ("embed", "embed-model", "embedding"),
    ("fail-400", "fail-400", "llm"),
    ("slow", "slow", "llm"),
]
UNREACHABLE = "http://127.0.0.1:9/v1"


def distribution(base_url: str = UNREACHABLE, *, extra: str = "", resources: str = "") -> str:
    """Inference (the test upstream), files, datasetio, scoring (basic and llm-as-judge) and eval providers."""
    models = "\n".join(
        f"    - {{model_id: {identifier}, provider_id: up, provider_model_id: {upstream}, model_type: {kind}"
        + (", metadata: {embedding_dimension: 8}" if kind == "embedding" else "")
        + "}"
        for identifier, upstream, kind in MODELS
    )
    return f"""
version: 2
providers:
  inference:
    - {{provider_id: up, provider_type: "remote::openai-compat", config: {{base_url: "{base_url}", max_retries: 0}}}}
  files:
    - {{provider_id: localfs, provider_type: "inline::localfs", config: {{}}}}
  datasetio:
    - {{provider_id: localfs-datasetio, provider_type: "inline::localfs", config: {{}}}}
  scoring:
    - {{provider_id: basic, provider_type: "inline::basic", config: {{}}}}
    - {{provider_id: llm-as-judge, provider_type: "inline::llm-as-judge", config: {{}}}}
  eval:
    - {{provider_id: meta-reference, provider_type: "inline::meta-reference", config: {{}}}}
{extra}
registered_resources:
  models:
{models}
{resources}
"""


def post(client: Client, path: str, body: Any = None, **headers: str) -> Any:
    return client.post(path, json.dumps(body if body is not None else {}), content_type="application/json",
                       headers=headers or None)


def qa_rows() -> list[dict[str, str]]:
    """Questions and expected answers whose scores against the echo model are known by hand.

    The echo model answers "echo: <question>": rows 0 and 2 expect exactly that (equality 1), row 1 expects a
    part of it (subset_of 1, equality 0), row 3 expects something else (both 0).
    """
    return [
        {"input_query": "2+2", "expected_answer": "echo: 2+2"},
        {"input_query": "capital of France", "expected_answer": "France"},
        {"input_query": "hello", "expected_answer": "echo: hello"},
        {"input_query": "3*3", "expected_answer": "9"},
    ]
