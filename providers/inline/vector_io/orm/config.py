"""Config of the `inline::orm` vector IO provider."""

from pydantic import BaseModel, ConfigDict, Field


class OrmVectorIOConfig(BaseModel):
    """Chunks and vectors in the Django database; queries scan a vector DB's vectors exactly."""

    model_config = ConfigDict(extra="forbid")

    scan_page_size: int = Field(
        default=4096,
        ge=16,
        le=65536,
        description="Vectors read per page during a query: memory is bounded by this many vectors at a time.",
    )
    insert_batch_size: int = Field(default=500, ge=1, le=10000, description="Chunks written per statement.")
