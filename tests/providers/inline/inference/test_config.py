"""The provider's config, its registration, and its place in the default distribution."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from apis.common.errors import ProviderConfigError
from providers.distribution import load_distribution
from providers.inline.inference.llama_cpp.config import LlamaCppInferenceConfig, LocalModelEntry, ModelKind
from providers.registry import resolve_spec
from providers.resolver import validate_config
from tests.providers.inline.inference.support import local_provider

DEFAULT_DISTRIBUTION = Path(__file__).resolve().parents[4] / "distributions" / "default.yaml"


def test_the_defaults_serve_smollm2_for_chat_and_gemma_for_completions_and_embeddings():
    config = LlamaCppInferenceConfig()
    assert [(entry.id, entry.kind) for entry in config.models] == [
        ("smollm2-135m-instruct", ModelKind.chat),
        ("gemma3-270m", ModelKind.completion),
        ("gemma3-270m-embedding", ModelKind.embedding),
    ]
    assert config.max_concurrent_requests == 1
    assert {entry.threads for entry in config.models} == {1}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"package": "a", "path": "/b.gguf"}, "exactly one of 'package' or 'path'"),
        ({}, "exactly one of 'package' or 'path'"),
        ({"path": "/b.gguf", "file": "b.gguf"}, "'file' names a file inside 'package'"),
        ({"path": "/b.gguf", "embedding_dimension": 8}, "only for embedding models"),
        ({"path": "/b.gguf", "id": "has space"}, "String should match pattern"),
        ({"path": "/b.gguf", "context_size": 8}, "greater than or equal to 64"),
    ],
)
def test_a_model_entry_is_checked(fields, message):
    with pytest.raises(ValidationError, match=message):
        LocalModelEntry.model_validate({"id": "m", "kind": "chat", **fields})


def test_model_ids_must_be_unique():
    entry = {"id": "same", "kind": "chat", "path": "/a.gguf"}
    with pytest.raises(ValidationError, match="model ids must be unique: same"):
        LlamaCppInferenceConfig.model_validate({"models": [entry, entry]})


def test_the_registry_knows_the_provider_type_and_validates_its_config():
    spec = resolve_spec("inference", "inline::llama-cpp")
    assert spec.module == "providers.inline.inference.llama_cpp"
    config = validate_config(spec, {"max_concurrent_requests": "2"})
    assert isinstance(config, LlamaCppInferenceConfig)
    assert config.max_concurrent_requests == 2
    with pytest.raises(ProviderConfigError, match="max_concurrent_requests"):
        validate_config(spec, {"max_concurrent_requests": 0})


def test_the_default_distribution_leaves_the_local_model_off_unless_switched_on():
    config = load_distribution(DEFAULT_DISTRIBUTION, environ={})
    assert "inline::llama-cpp" not in [entry.provider_type for _, entry in config.enabled_providers()]


def test_the_default_distribution_switched_on_serves_and_registers_the_local_models():
    config = load_distribution(DEFAULT_DISTRIBUTION, environ={"STACK_LOCAL_MODEL": "1"})
    (local,) = [entry for _, entry in config.enabled_providers() if entry.provider_type == "inline::llama-cpp"]
    assert local.provider_id == "local"
    provider_config = validate_config(resolve_spec("inference", local.provider_type), local.config)
    served = {entry.id: entry.kind for entry in provider_config.models}
    registered = [entry for entry in config.registered_resources["models"] if entry["provider_id"] == "local"]
    assert {entry["model_id"] for entry in registered} == {f"local/{model_id}" for model_id in served}
    for entry in registered:
        kind = served[entry["provider_model_id"]]
        assert entry["model_type"] == ("embedding" if kind == ModelKind.embedding else "llm")
    (embedding,) = [entry for entry in registered if entry["model_type"] == "embedding"]
    assert embedding["metadata"]["embedding_dimension"] == 640


def test_a_model_file_that_is_not_there_stops_the_provider_with_its_path(tmp_path):
    missing = tmp_path / "absent.gguf"
    with pytest.raises(ProviderConfigError, match=f"model 'ghost': no GGUF file at {missing}"):
        local_provider(models=[{"id": "ghost", "kind": "chat", "path": str(missing)}])


def test_a_model_package_that_is_not_installed_is_named_with_how_to_install_it():
    with pytest.raises(ProviderConfigError, match="package 'no_such_model_package' is not installed"):
        local_provider(models=[{"id": "ghost", "kind": "chat", "package": "no_such_model_package", "file": "x"}])
