"""Fixtures of the Files API tests: a distribution with the localfs provider, files kept in a temporary dir."""

import pytest

FILES_CONFIG = """
version: 2
apis: [files]
providers:
  files:
    - provider_id: localfs
      provider_type: "inline::localfs"
      config: {}
"""


@pytest.fixture(autouse=True)
def files_stack(settings, tmp_path, fresh_stack):
    from providers import resolver

    config = tmp_path / "files.yaml"
    config.write_text(FILES_CONFIG)
    settings.STACK_CONFIG = config
    settings.MEDIA_ROOT = tmp_path / "media"
    resolver.reset()
