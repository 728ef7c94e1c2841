"""`inline::reference`: the OpenAI Batch API, processed by Celery workers."""

from typing import Any

from providers.inline.batches.reference.batches import ReferenceBatches
from providers.inline.batches.reference.config import ReferenceBatchesConfig

__all__ = ["ReferenceBatches", "ReferenceBatchesConfig", "get_provider_impl"]


def get_provider_impl(config: ReferenceBatchesConfig, deps: dict[str, Any]) -> ReferenceBatches:
    return ReferenceBatches(config, inference=deps["inference"], files=deps["files"])
