"""`inline::orm`: vector DBs in the Django database (chunks and float32 vectors), exact cosine search."""

from typing import Any

from providers.inline.vector_io.orm.config import OrmVectorIOConfig
from providers.inline.vector_io.orm.store import OrmVectorIO

__all__ = ["OrmVectorIO", "OrmVectorIOConfig", "get_provider_impl"]


def get_provider_impl(config: OrmVectorIOConfig, deps: dict[str, Any]) -> OrmVectorIO:
    return OrmVectorIO(config)
