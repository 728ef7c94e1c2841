"""Contracts of the vector IO API: chunks inserted into a vector DB, and queries answered with scored chunks."""

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class TextContent(BaseModel):
    model_config = ConfigDict(extra="forbid")

    type: str = Field(default="text", pattern="^text$")
    text: str


class Chunk(BaseModel):
    model_config = ConfigDict(extra="forbid")

    content: str | list[TextContent] = Field(description="The chunk's text: a string or a list of text parts.")
    metadata: dict[str, Any] = Field(default_factory=dict, description="Stored and returned with the chunk.")
    chunk_id: str | None = Field(
        default=None,
        min_length=1,
        max_length=255,
        description="Unique in its vector DB; inserting the same id again replaces the chunk. Defaults to a hash of "
        "metadata.document_id and the content.",
    )
    embedding: list[float] | None = Field(
        default=None, description="The chunk's vector, when the client computed it; else computed by the server."
    )

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return " ".join(part.text for part in self.content)


class InsertChunksRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vector_db_id: str = Field(min_length=1, description="The vector DB to insert into.")
    chunks: list[Chunk] = Field(min_length=1, description="The chunks; each one's vector is computed unless given.")


class InsertChunksResponse(BaseModel):
    vector_db_id: str
    inserted: int = Field(description="How many chunks were inserted or replaced.")


class QueryParams(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_chunks: int = Field(default=3, ge=1, le=1000, description="Most chunks to return.")
    score_threshold: float = Field(
        default=0.0, ge=-1.0, le=1.0, description="Least cosine similarity of a returned chunk to the query."
    )


class QueryChunksRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    vector_db_id: str = Field(min_length=1, description="The vector DB to search.")
    query: str | list[TextContent] = Field(description="The text to find chunks like.")
    params: QueryParams = Field(default_factory=QueryParams)

    def text(self) -> str:
        if isinstance(self.query, str):
            return self.query
        return " ".join(part.text for part in self.query)


class QueryChunksResponse(BaseModel):
    chunks: list[Chunk] = Field(description="The most similar chunks, most similar first.")
    scores: list[float] = Field(description="Each chunk's cosine similarity to the query.")
