"""Helpers shared by the batch tests here and the end-to-end ones: the test distribution, input lines."""

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

MODELS: list[tuple[Any, ...]] = [
    ("echo", "echo-model", "llm"),
    ("embed", "embed-model", "embedding", {"embedding_dimension": 8}),
    ("fail-400", "fail-400", "llm"),
    ("fail-500", "fail-500", "llm"),
    ("flaky", "flaky", "llm"),
    ("slow", "slow", "llm"),
]


def distribution(base_url: str) -> str:
    models = "\n".join(
        f"    - {{model_id: {identifier}, provider_id: up, provider_model_id: {upstream}, model_type: {kind}, "
        f"metadata: {json.dumps(metadata[0] if metadata else {})}}}"
        for identifier, upstream, kind, *metadata in MODELS
    )
    return f"""
version: 2
apis: [inference, models, files, batches]
providers:
  inference:
    - provider_id: up
      provider_type: "remote::openai-compat"
      config: {{base_url: "{base_url}"}}
  files:
    - provider_id: localfs
      provider_type: "inline::localfs"
      config: {{}}
  batches:
    - provider_id: reference
      provider_type: "inline::reference"
      config: {{}}
registered_resources:
  models:
{models}
"""


def request_line(custom_id: str, content: str = "hi", model: str = "echo", **extra: Any) -> dict[str, Any]:
    body = {"model": model, "messages": [{"role": "user", "content": content}], **extra}
    return {"custom_id": custom_id, "method": "POST", "url": "/v1/chat/completions", "body": body}


def jsonl(lines: list[Any]) -> bytes:
    return "".join((line if isinstance(line, str) else json.dumps(line)) + "\n" for line in lines).encode()


def upload_input(client: Client, content: bytes) -> str:
    response = client.post("/v1/files", {"file": SimpleUploadedFile("input.jsonl", content), "purpose": "batch"})
    assert response.status_code == 200, response.content
    return response.json()["id"]


def create_batch(client: Client, prefix: str = "/v1", **body: Any) -> Any:
    return client.post(f"{prefix}/batches", body, content_type="application/json")
