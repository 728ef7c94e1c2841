"""`inline::localfs`: dataset rows given inline or appended (in the database), or read from a file, a path
under an allowed directory, or a data: URI."""

from typing import Any

from providers.inline.datasetio.localfs.config import LocalfsDatasetIOConfig
from providers.inline.datasetio.localfs.datasetio import LocalfsDatasetIO
from providers.spec import Api

__all__ = ["LocalfsDatasetIO", "LocalfsDatasetIOConfig", "get_provider_impl"]


def get_provider_impl(config: LocalfsDatasetIOConfig, deps: dict[str, Any]) -> LocalfsDatasetIO:
    return LocalfsDatasetIO(config, files=deps.get(Api.files))
