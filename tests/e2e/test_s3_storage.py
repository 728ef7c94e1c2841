"""End to end: files kept in S3-compatible object storage (django-storages) instead of the state dir.

The object store is moto's S3 server on 127.0.0.1, an external service like the model upstream; the
stack server stores uploads there through STACK_FILES_STORAGE_BACKEND, and a batch's input and
output files go through it too.
"""

import json
import subprocess
import sys
import time
from collections.abc import Iterator

import boto3
import openai
import pytest

from tests.apis.batches.support import distribution, jsonl, request_line
from tests.support.server import StackServer, free_port, wait_for_http
from tests.support.upstream import Upstream

BUCKET = "stack-files"
KEYS = {"aws_access_key_id": "test", "aws_secret_access_key": "test", "region_name": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    try:
        wait_for_http(endpoint, process=process)
        boto3.client("s3", endpoint_url=endpoint, **KEYS).create_bucket(Bucket=BUCKET)
        yield endpoint
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, s3_endpoint: str) -> Iterator[StackServer]:
    state = tmp_path_factory.mktemp("s3")
    with Upstream() as upstream:
        config = state / "stack.yaml"
        config.write_text(distribution(upstream.base_url))
        options = {
            "bucket_name": BUCKET,
            "endpoint_url": s3_endpoint,
            "access_key": KEYS["aws_access_key_id"],
            "secret_key": KEYS["aws_secret_access_key"],
            "region_name": KEYS["region_name"],
        }
        storage = {
            "STACK_FILES_STORAGE_BACKEND": "storages.backends.s3.S3Storage",
            "STACK_FILES_STORAGE_OPTIONS": json.dumps(options),
            "STACK_MAINTENANCE_INTERVAL": "1",
        }
        with StackServer(state, config, extra_env=storage).running() as stack:
            stack.start_worker(concurrency=1)
            yield stack


def test_files_and_batch_results_live_in_the_object_store(server: StackServer, s3_endpoint: str) -> None:
    s3 = boto3.client("s3", endpoint_url=s3_endpoint, **KEYS)
    client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="unused", max_retries=0)
    content = jsonl([request_line(f"r{i}", f"hello {i}") for i in range(3)])
    uploaded = client.files.create(file=("input.jsonl", content), purpose="batch")
    assert s3.get_object(Bucket=BUCKET, Key=uploaded.id)["Body"].read() == content
    assert not (server.state_dir / "files" / uploaded.id).exists()
    assert client.files.content(uploaded.id).content == content

    batch = client.batches.create(input_file_id=uploaded.id, endpoint="/v1/chat/completions", completion_window="24h")
    deadline = time.monotonic() + 60
    while (batch := client.batches.retrieve(batch.id)).status not in ("completed", "failed", "expired", "cancelled"):
        assert time.monotonic() < deadline, server.log_text()
        time.sleep(0.2)
    assert batch.status == "completed", server.log_text()
    output = s3.get_object(Bucket=BUCKET, Key=batch.output_file_id)["Body"].read().decode()
    assert sorted(json.loads(line)["custom_id"] for line in output.splitlines()) == ["r0", "r1", "r2"]

    client.files.delete(uploaded.id)
    remaining = {item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])}
    assert uploaded.id not in remaining and batch.output_file_id in remaining
