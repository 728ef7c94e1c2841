"""The distribution config: environment substitution and its shape."""

import pytest

from providers.distribution import DistributionConfigError, parse_distribution, substitute_env

CONFIG = """
version: 2
apis: [inference]
providers:
  inference:
    - provider_id: ${env.VLLM_URL:+vllm}
      provider_type: remote::vllm
      config: {base_url: "${env.VLLM_URL:=http://localhost:8000/v1}", api_key: "${env.VLLM_API_KEY:=}"}
    - provider_id: always
      provider_type: remote::openai-compat
      config: {base_url: "${env.ALWAYS_URL}"}
server: {port: 8321}
"""


def test_required_form_takes_the_value() -> None:
    assert substitute_env("x-${env.NAME}-y", {"NAME": "v"}) == "x-v-y"


def test_required_form_without_the_variable_names_it() -> None:
    with pytest.raises(DistributionConfigError, match="'NAME' is not set"):
        substitute_env("${env.NAME}", {})


def test_default_form_uses_the_default_when_unset_or_empty() -> None:
    assert substitute_env("${env.NAME:=fallback}", {}) == "fallback"
    assert substitute_env("${env.NAME:=fallback}", {"NAME": ""}) == "fallback"
    assert substitute_env("${env.NAME:=fallback}", {"NAME": "set"}) == "set"
    assert substitute_env("${env.NAME:=}", {}) == ""


def test_conditional_form_gives_the_value_only_when_set() -> None:
    assert substitute_env("${env.NAME:+on}", {"NAME": "anything"}) == "on"
    assert substitute_env("${env.NAME:+on}", {}) == ""
    assert substitute_env("${env.NAME:+on}", {"NAME": ""}) == ""


def test_substitution_reaches_nested_lists_and_dicts_and_leaves_other_types() -> None:
    value = {"a": ["${env.X}", {"b": "${env.X:+y}"}], "n": 3, "t": True}
    assert substitute_env(value, {"X": "1"}) == {"a": ["1", {"b": "y"}], "n": 3, "t": True}


def test_provider_whose_id_renders_empty_is_left_out() -> None:
    config = parse_distribution(CONFIG, {"ALWAYS_URL": "http://a/v1"})
    assert [entry.provider_id for _, entry in config.enabled_providers()] == ["always"]
    enabled = parse_distribution(CONFIG, {"ALWAYS_URL": "http://a/v1", "VLLM_URL": "http://gpu:8000/v1"})
    entries = {entry.provider_id: entry for _, entry in enabled.enabled_providers()}
    assert entries["vllm"].config == {"base_url": "http://gpu:8000/v1", "api_key": ""}


def test_digest_follows_the_rendered_content() -> None:
    first = parse_distribution(CONFIG, {"ALWAYS_URL": "http://a/v1"})
    same = parse_distribution(CONFIG, {"ALWAYS_URL": "http://a/v1"})
    other = parse_distribution(CONFIG, {"ALWAYS_URL": "http://b/v1"})
    assert first.digest() == same.digest() != other.digest()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("providers: [1, 2]", "providers"),
        ("- a\n- b", "mapping"),
        ("providers: {inference: [{provider_type: x}]}", "provider_id"),
        ("key: [unclosed", "not valid YAML"),
    ],
)
def test_bad_shapes_are_clear_errors(text: str, message: str) -> None:
    with pytest.raises(DistributionConfigError, match=message):
        parse_distribution(text, {})
