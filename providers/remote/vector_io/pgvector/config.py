"""Config of the `remote::pgvector` vector IO provider."""

from pydantic import BaseModel, ConfigDict, Field


class PgvectorVectorIOConfig(BaseModel):
    """Vector DBs as tables of a PostgreSQL database with the pgvector extension."""

    model_config = ConfigDict(extra="forbid")

    database: str = Field(
        default="default", description="The Django database alias (settings.DATABASES) holding the tables."
    )
