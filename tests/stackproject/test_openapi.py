"""The OpenAPI document: shared error responses by $ref, and the committed copy kept fresh."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from apis.inspect.management.commands.export_openapi import DEFAULT_PATH, openapi_document

SHARED = {
    "400": "BadRequest400",
    "404": "NotFound404",
    "409": "Conflict409",
    "429": "TooManyRequests429",
    "500": "InternalServerError500",
    "default": "DefaultError",
}


@pytest.fixture(scope="module")
def document() -> dict:
    return json.loads(openapi_document())


def test_served_at_v1_openapi_json(client: Client, document: dict) -> None:
    response = client.get("/v1/openapi.json")
    assert response.status_code == 200
    assert response.json()["paths"].keys() == document["paths"].keys()
    assert client.get("/v1/docs").status_code == 200


def test_shared_error_responses_are_components(document: dict) -> None:
    responses = document["components"]["responses"]
    assert set(responses) == set(SHARED.values())
    for response in responses.values():
        assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}


def test_every_operation_refers_to_the_shared_errors(document: dict) -> None:
    operations = [op for item in document["paths"].values() for op in item.values()]
    assert operations
    for operation in operations:
        for status, name in SHARED.items():
            expected = {"$ref": f"#/components/responses/{name}"}
            assert operation["responses"][status] == expected, operation["operationId"]


def test_operation_ids_are_unique(document: dict) -> None:
    ids = [op["operationId"] for item in document["paths"].values() for op in item.values()]
    assert len(ids) == len(set(ids))


def test_field_descriptions_reach_the_document(document: dict) -> None:
    parameters = document["paths"]["/v1/inspect/routes"]["get"]["parameters"]
    api_filter = next(p for p in parameters if p["name"] == "api_filter")
    assert "deprecated" in api_filter["description"]


def test_committed_document_is_fresh() -> None:
    assert DEFAULT_PATH.exists(), "docs/openapi.json is missing: run `python manage.py export_openapi`"
    assert DEFAULT_PATH.read_text() == openapi_document(), "docs/openapi.json is stale: run export_openapi"


def test_check_mode_detects_a_stale_file(tmp_path: Path) -> None:
    stale = tmp_path / "openapi.json"
    stale.write_text("{}")
    with pytest.raises(SystemExit) as exit_info:
        call_command("export_openapi", "--check", "--output", str(stale), stderr=StringIO())
    assert exit_info.value.code == 1
    call_command("export_openapi", "--output", str(stale), stdout=StringIO())
    call_command("export_openapi", "--check", "--output", str(stale), stdout=StringIO())
