"""`inline::localfs`: files stored through Django's storage API, metadata in the database."""

from typing import Any

from providers.inline.files.localfs.config import LocalfsFilesConfig
from providers.inline.files.localfs.files import LocalfsFiles

__all__ = ["LocalfsFiles", "LocalfsFilesConfig", "get_provider_impl"]


def get_provider_impl(config: LocalfsFilesConfig, deps: dict[str, Any]) -> LocalfsFiles:
    return LocalfsFiles(config)
