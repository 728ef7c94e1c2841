"""Services of the model routing table: the config's models, discovery from providers, export, ownership."""

import pytest
from asgiref.sync import async_to_sync
from django.core.management import call_command

from apis.access.identity import AccessContext, User, acting_as
from apis.common.errors import BadRequestError, ProviderNotFoundError, UpstreamUnavailableError
from apis.inference.schemas import ProviderModel
from apis.models.models import Model
from apis.models.routing import ModelsRoutingTable
from apis.models.schemas import RegisterModelRequest
from apis.models.selectors import models_export_config
from apis.models.services import (
    model_register,
    models_apply_config,
    models_refresh_from_provider,
    models_refresh_from_providers,
    models_sync_listed,
)
from apis.models.tasks import models_refresh_from_providers_task
from apis.providers.services import registration_save
from tests.apis.inference.support import register_upstream
from tests.support.server import free_port
from tests.support.upstream import Upstream

pytestmark = pytest.mark.django_db

EMBED = {"model_id": "emb", "provider_id": "up", "model_type": "embedding", "metadata": {"embedding_dimension": 8}}


def rows() -> dict[str, tuple[str, str, str, str]]:
    return {
        row.identifier: (row.provider_id, row.provider_resource_id, row.model_type, row.source)
        for row in Model.objects.all()
    }


def test_apply_config_creates_once_and_is_idempotent(provider: str) -> None:
    entries = [{"model_id": "chat", "provider_id": "up", "provider_model_id": "echo-model"}, EMBED]
    assert models_apply_config(entries=entries) == (2, [])
    assert models_apply_config(entries=entries) == (0, [])
    assert rows() == {
        "chat": ("up", "echo-model", "llm", "config"),
        "emb": ("up", "emb", "embedding", "config"),
    }
    assert Model.objects.get(identifier="emb").metadata == {"embedding_dimension": 8}


def test_apply_config_updates_its_rows_removes_stale_ones_and_never_touches_peoples(provider: str) -> None:
    models_apply_config(entries=[{"model_id": "chat", "provider_model_id": "echo-model"}, {"model_id": "old"}])
    model_register(identifier="mine", provider_resource_id="echo-model")
    changed, errors = models_apply_config(
        entries=[
            {"model_id": "chat", "provider_model_id": "other"},
            {"model_id": "mine", "provider_model_id": "overwritten?"},
        ]
    )
    assert (changed, errors) == (2, [])  # chat updated, old removed; mine left alone
    assert rows() == {"chat": ("up", "other", "llm", "config"), "mine": ("up", "echo-model", "llm", "api")}


def test_apply_config_takes_over_a_discovered_model(provider: str) -> None:
    models_sync_listed(provider_id="up", listed=[ProviderModel(provider_model_id="echo-model")])
    assert models_apply_config(entries=[{"model_id": "up/echo-model", "provider_model_id": "echo-model"}]) == (1, [])
    assert rows() == {"up/echo-model": ("up", "echo-model", "llm", "config")}


def test_apply_config_reports_bad_entries_and_applies_the_others(provider: str) -> None:
    changed, errors = models_apply_config(
        entries=[
            {"model_id": "good"},
            {"model_id": "emb", "model_type": "embedding"},
            {"model_id": "elsewhere", "provider_id": "nope"},
            {"model_id": "typo", "provider_modle_id": "x"},
            {"provider_id": "up"},
        ]
    )
    assert changed == 1
    assert errors == [
        "registered_resources.models[1] ('emb'): "
        "Embedding models need metadata.embedding_dimension, a positive integer.",
        "registered_resources.models[2] ('elsewhere'): "
        "Provider 'nope' is not an enabled inference provider. Inference providers: up.",
        "registered_resources.models[3] ('typo'): provider_modle_id: Extra inputs are not permitted",
        "registered_resources.models[4]: model_id: Field required",
    ]
    assert list(rows()) == ["good"]


def test_export_lists_what_people_and_the_config_registered(provider: str) -> None:
    models_apply_config(entries=[EMBED])
    model_register(identifier="mine", provider_resource_id="echo-model")
    models_sync_listed(provider_id="up", listed=[ProviderModel(provider_model_id="echo-model")])
    assert models_export_config() == [
        {
            "model_id": "emb",
            "provider_id": "up",
            "provider_model_id": "emb",
            "model_type": "embedding",
            "metadata": {"embedding_dimension": 8},
        },
        {"model_id": "mine", "provider_id": "up", "provider_model_id": "echo-model", "model_type": "llm"},
    ]
    # What is exported applies back to the same rows.
    assert models_apply_config(entries=models_export_config())[1] == []


def test_sync_listed_adds_updates_and_removes_only_discovered_models(provider: str) -> None:
    model_register(identifier="up/kept", provider_resource_id="kept")
    first = models_sync_listed(
        provider_id="up",
        listed=[ProviderModel(provider_model_id="a"), ProviderModel(provider_model_id="kept")],
    )
    assert (first.created, first.updated, first.removed) == (["up/a"], [], [])
    second = models_sync_listed(
        provider_id="up",
        listed=[ProviderModel(provider_model_id="b", model_type="embedding", metadata={"embedding_dimension": 4})],
    )
    assert (second.created, second.updated, second.removed) == (["up/b"], [], ["up/a"])
    assert rows() == {"up/b": ("up", "b", "embedding", "listed_from_provider"), "up/kept": ("up", "kept", "llm", "api")}
    third = models_sync_listed(
        provider_id="up",
        listed=[ProviderModel(provider_model_id="b", model_type="embedding", metadata={"embedding_dimension": 5})],
    )
    assert (third.created, third.updated, third.removed) == ([], ["up/b"], [])


def test_refresh_from_the_upstream_registers_its_models(provider: str) -> None:
    result = models_refresh_from_provider(provider_id="up")
    assert sorted(result.created) == ["up/echo-model", "up/embed-model"]
    assert rows() == {
        "up/echo-model": ("up", "echo-model", "llm", "listed_from_provider"),
        "up/embed-model": ("up", "embed-model", "embedding", "listed_from_provider"),
    }
    assert Model.objects.get(identifier="up/embed-model").metadata == {"embedding_dimension": 8}
    assert models_refresh_from_provider(provider_id="up").summary() == "up: 0 added, 0 updated, 0 removed"


def test_refresh_of_a_provider_that_does_not_list_or_does_not_exist(upstream: Upstream) -> None:
    register_upstream(upstream, refresh_models=False)
    assert models_refresh_from_provider(provider_id="up").summary() == "up: does not list its models"
    assert not Model.objects.exists()
    with pytest.raises(ProviderNotFoundError):
        models_refresh_from_provider(provider_id="nope")


def test_refresh_of_every_provider_reports_the_unreachable_one(provider: str) -> None:
    registration_save(
        api="inference",
        provider_id="down",
        provider_type="remote::vllm",
        config={"base_url": f"http://127.0.0.1:{free_port()}/v1", "max_retries": 0},
    )
    results, errors = models_refresh_from_providers()
    assert [result.provider_id for result in results] == ["up"]
    assert len(errors) == 1 and errors[0].startswith("down: The model service cannot be reached")
    assert models_refresh_from_providers_task() == [
        "up: 0 added, 0 updated, 0 removed",
        errors[0],
    ]
    with pytest.raises(UpstreamUnavailableError):
        models_refresh_from_provider(provider_id="down")


def test_refresh_models_command(provider: str, capsys: pytest.CaptureFixture[str]) -> None:
    call_command("refresh_models", "--provider", "up")
    assert capsys.readouterr().out == "up: 2 added, 0 updated, 0 removed\n"
    call_command("refresh_models")
    assert capsys.readouterr().out == "up: 0 added, 0 updated, 0 removed\n"


def test_refresh_rejects_a_provider_of_another_api(provider: str) -> None:
    registration_save(api="files", provider_id="localfs", provider_type="inline::localfs", config={})
    with pytest.raises(BadRequestError, match="not an inference provider"):
        models_refresh_from_provider(provider_id="localfs")


def test_a_model_registered_through_the_api_is_owned_by_the_caller(provider: str) -> None:
    alice = User("alice", {"teams": ["research"]})
    with acting_as(AccessContext(user=alice)):
        async_to_sync(ModelsRoutingTable().register_model)(RegisterModelRequest(model_id="hers"))
    row = Model.objects.get()
    assert (row.owner_principal, row.owner_attributes) == ("alice", {"teams": ["research"]})
