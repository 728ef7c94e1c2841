"""Applying the distribution config, saving registrations, secrets at rest, exporting."""

import logging
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.db import connection

from apis.providers.models import ProviderRegistration, RegistryState
from apis.providers.services import registration_save, stack_config_apply, stack_config_export
from providers.distribution import parse_distribution
from providers.resolver import get_stack

pytestmark = pytest.mark.django_db

SECRET = "sk-very-secret-value-123"
CONFIG = f"""
version: 2
providers:
  inference:
    - provider_id: ext
      provider_type: remote::my-ext
      module: my_ext_provider
      config: {{prefix: ">", api_key: "{SECRET}"}}
    - provider_id: ${{env.SECOND:+second}}
      provider_type: remote::my-ext
      module: my_ext_provider
      config: {{}}
"""


def snapshot() -> list[tuple]:
    return list(
        ProviderRegistration.objects.order_by("provider_id").values_list(
            "provider_id", "provider_type", "module", "enabled", "source", "updated_at"
        )
    )


def test_applying_the_same_config_twice_changes_nothing() -> None:
    config = parse_distribution(CONFIG, {})
    first = stack_config_apply(config=config)
    assert first.created == ["ext"]
    rows, version = snapshot(), RegistryState.current_version()
    again = stack_config_apply(config=config)
    assert not again.applied
    forced = stack_config_apply(config=config, force=True)
    assert forced.applied and not forced.changed
    assert snapshot() == rows
    assert RegistryState.current_version() == version
    assert ProviderRegistration.objects.count() == 1


def test_conditional_provider_appears_and_is_disabled_again() -> None:
    stack_config_apply(config=parse_distribution(CONFIG, {"SECOND": "1"}))
    assert ProviderRegistration.objects.get(provider_id="second").enabled
    result = stack_config_apply(config=parse_distribution(CONFIG, {}))
    assert result.disabled == ["second"]
    assert not ProviderRegistration.objects.get(provider_id="second").enabled
    assert "second" not in get_stack().handles


def test_rows_edited_in_the_admin_are_left_alone() -> None:
    stack_config_apply(config=parse_distribution(CONFIG, {}))
    registration_save(api="inference", provider_id="ext", provider_type="remote::my-ext", module="my_ext_provider",
                      config={"prefix": "ops"})
    result = stack_config_apply(config=parse_distribution(CONFIG.replace('prefix: ">"', 'prefix: "new"'), {}))
    assert result.kept == ["ext"]
    row = ProviderRegistration.objects.get(provider_id="ext")
    assert row.source == "admin"
    assert row.config["prefix"] == "ops"


def test_config_changes_update_config_rows(stack_config) -> None:
    stack_config(CONFIG)
    assert get_stack().impl("ext").config.prefix == ">"
    stack_config(CONFIG.replace('prefix: ">"', 'prefix: "new"'))
    assert get_stack().impl("ext").config.prefix == "new"
    assert ProviderRegistration.objects.get(provider_id="ext").source == "config"


def test_secrets_are_encrypted_in_the_raw_column_and_decrypted_for_the_provider(stack_config) -> None:
    stack_config(CONFIG)
    get_stack()
    with connection.cursor() as cursor:
        cursor.execute("SELECT config FROM providers_providerregistration WHERE provider_id = %s", ["ext"])
        raw = str(cursor.fetchone()[0])
    assert SECRET not in raw
    assert "enc:v1:" in raw
    impl = get_stack().impl("ext")
    assert impl.config.api_key.get_secret_value() == SECRET


def test_a_blank_secret_keeps_the_stored_value() -> None:
    registration_save(api="inference", provider_id="ext", provider_type="remote::my-ext", module="my_ext_provider",
                      config={"prefix": "a", "api_key": SECRET})
    registration_save(api="inference", provider_id="ext", provider_type="remote::my-ext", module="my_ext_provider",
                      config={"prefix": "b", "api_key": ""})
    impl = get_stack().impl("ext")
    assert impl.config.prefix == "b"
    assert impl.config.api_key.get_secret_value() == SECRET


def test_secrets_never_reach_the_logs(caplog, stack_config) -> None:
    caplog.set_level(logging.DEBUG)
    stack_config(CONFIG.replace('prefix: ">"', "prefix: 5"))
    assert not get_stack().handles["ext"].ok
    assert "prefix" in caplog.text
    assert SECRET not in caplog.text


def test_export_writes_back_registrations_with_secret_references(tmp_path: Path) -> None:
    stack_config_apply(config=parse_distribution(CONFIG, {}))
    exported = stack_config_export()
    assert SECRET not in exported
    document = yaml.safe_load(exported)
    entry = document["providers"]["inference"][0]
    assert entry["module"] == "my_ext_provider"
    assert entry["config"] == {"prefix": ">", "api_key": "${env.EXT_API_KEY}"}
    again = parse_distribution(exported, {"EXT_API_KEY": SECRET})
    assert again.providers["inference"][0].config["api_key"] == SECRET
    target = tmp_path / "out.yaml"
    call_command("export_stack_config", "--output", str(target), stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert yaml.safe_load(target.read_text()) == document


def test_apply_command_reports_and_is_idempotent(tmp_path: Path, capsys) -> None:
    path = tmp_path / "run.yaml"
    path.write_text(CONFIG)
    call_command("apply_stack_config", "--config", str(path))
    assert "Providers created: ext" in capsys.readouterr().out
    call_command("apply_stack_config", "--config", str(path))
    assert "already applied" in capsys.readouterr().out
