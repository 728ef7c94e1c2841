"""`remote::pgvector`: vector DBs as tables of a PostgreSQL database with the pgvector extension."""

from typing import Any

from providers.remote.vector_io.pgvector.config import PgvectorVectorIOConfig
from providers.remote.vector_io.pgvector.store import PgvectorVectorIO

__all__ = ["PgvectorVectorIO", "PgvectorVectorIOConfig", "get_provider_impl"]


def get_provider_impl(config: PgvectorVectorIOConfig, deps: dict[str, Any]) -> PgvectorVectorIO:
    return PgvectorVectorIO(config)
