"""`inline::meta-reference`: benchmarks run against a model through our inference routing, scored through the
scoring API; jobs on Celery workers."""

from typing import Any

from providers.inline.eval.meta_reference.config import MetaReferenceEvalConfig
from providers.inline.eval.meta_reference.eval import MetaReferenceEval
from providers.spec import Api

__all__ = ["MetaReferenceEval", "MetaReferenceEvalConfig", "get_provider_impl"]


def get_provider_impl(config: MetaReferenceEvalConfig, deps: dict[str, Any]) -> MetaReferenceEval:
    return MetaReferenceEval(
        config, inference=deps[Api.inference], datasetio=deps[Api.datasetio], scoring=deps[Api.scoring]
    )
