"""The resolver: dependency order, cycles, config validation, protocol checks, external modules."""

import pytest

from apis.providers.models import ProviderRegistration
from apis.providers.services import registration_save
from providers.registry import builtin_spec, load_external_spec
from providers.resolver import ProviderHandle, build_stack, dependency_order, get_stack
from providers.spec import ProviderSpec, ProviderSpecError


def handle(provider_id: str, spec: ProviderSpec) -> ProviderHandle:
    return ProviderHandle(provider_id, spec.api, spec.provider_type, "", spec, None)


def test_providers_come_after_the_apis_they_depend_on() -> None:
    batches = builtin_spec("batches", "inline::reference")
    files = builtin_spec("files", "inline::localfs")
    inference = builtin_spec("inference", "remote::vllm")
    assert batches and files and inference
    ordered = dependency_order([handle("b", batches), handle("f", files), handle("i", inference)])
    ids = [h.provider_id for h in ordered]
    assert ids.index("b") > ids.index("f")
    assert ids.index("b") > ids.index("i")


def test_a_missing_dependency_is_an_error_on_that_provider_only() -> None:
    batches, files = builtin_spec("batches", "inline::reference"), builtin_spec("files", "inline::localfs")
    assert batches and files
    handles = [handle("b", batches), handle("f", files)]
    ordered = dependency_order(handles)
    assert [h.provider_id for h in ordered] == ["f"]
    assert handles[0].error == (
        "Provider 'b' needs APIs that no enabled provider serves: inference, models (served by inference providers)."
    )


def test_a_dependency_cycle_is_a_clear_error() -> None:
    first = load_external_spec("cycle_providers.safety_side")
    second = load_external_spec("cycle_providers.eval_side")
    files = builtin_spec("files", "inline::localfs")
    assert files
    handles = [handle("s", first), handle("e", second), handle("f", files)]
    ordered = dependency_order(handles)
    assert [h.provider_id for h in ordered] == ["f"]
    for cyclic in handles[:2]:
        assert cyclic.error and "Dependency cycle" in cyclic.error
        assert "safety" in cyclic.error and "eval" in cyclic.error


def test_external_spec_from_the_package_or_its_provider_module() -> None:
    spec = load_external_spec("my_ext_provider")
    assert spec.provider_type == "remote::my-ext"
    assert load_external_spec("incomplete_provider").provider_type == "remote::half"


@pytest.mark.parametrize(
    ("module", "message"),
    [
        ("not_installed_anywhere", "Module 'not_installed_anywhere' is not installed."),
        ("cycle_providers", "has no get_provider_spec()"),
    ],
)
def test_bad_external_modules_name_the_module(module: str, message: str) -> None:
    with pytest.raises(ProviderSpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load_external_spec(module)


def test_invalid_provider_type_fails_when_the_spec_is_made() -> None:
    with pytest.raises(ProviderSpecError, match="Invalid provider_type"):
        ProviderSpec(api="inference", provider_type="vllm", module="m", config_class="m.C")


@pytest.mark.django_db
def test_config_errors_name_the_field_and_protocol_gaps_are_refused() -> None:
    rows = [
        ProviderRegistration(api="inference", provider_id="bad-config", provider_type="remote::my-ext",
                             module="my_ext_provider", config={"prefix": 12}),
        ProviderRegistration(api="inference", provider_id="half", provider_type="remote::half",
                             module="incomplete_provider", config={}),
        ProviderRegistration(api="inference", provider_id="good", provider_type="remote::my-ext",
                             module="my_ext_provider", config={"prefix": ">"}),
    ]
    stack = build_stack(rows, version=1)
    assert "prefix" in (stack.handles["bad-config"].error or "")
    assert "missing" in (stack.handles["half"].error or "")
    assert "openai_embeddings" in (stack.handles["half"].error or "")
    assert stack.handles["good"].ok
    assert [h.provider_id for h in stack.for_api("inference")] == ["good"]


@pytest.mark.django_db
def test_a_missing_module_in_the_config_never_stops_the_other_providers(settings, tmp_path, caplog) -> None:
    settings.STACK_CONFIG = tmp_path / "run.yaml"
    settings.STACK_CONFIG.write_text(
        """
providers:
  inference:
    - {provider_id: ghost, provider_type: "remote::ghost", module: ghost_provider_pkg, config: {}}
    - {provider_id: ext, provider_type: "remote::my-ext", module: my_ext_provider, config: {prefix: "~"}}
"""
    )
    stack = get_stack()
    assert stack.handles["ext"].ok
    assert not stack.handles["ghost"].ok
    assert "Module 'ghost_provider_pkg' is not installed." in (stack.handles["ghost"].error or "")
    assert "ghost_provider_pkg" in caplog.text


@pytest.mark.django_db
def test_the_stack_is_rebuilt_when_a_registration_changes() -> None:
    registration_save(api="inference", provider_id="ext", provider_type="remote::my-ext", module="my_ext_provider",
                      config={"prefix": "a"})
    first = get_stack()
    assert get_stack() is first
    assert first.impl("ext").config.prefix == "a"
    registration_save(api="inference", provider_id="ext", provider_type="remote::my-ext", module="my_ext_provider",
                      config={"prefix": "b"})
    second = get_stack()
    assert second is not first
    assert second.impl("ext").config.prefix == "b"
