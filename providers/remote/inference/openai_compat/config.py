"""Configs of the OpenAI-compatible inference providers: one class per service, differing in defaults.

`api_key` is typed `SecretStr`, so the framework stores it encrypted and never shows it back.
"""

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator


class OpenAICompatibleConfig(BaseModel):
    """What every OpenAI-compatible service needs: where it is, how to authenticate, how long to wait."""

    model_config = ConfigDict(extra="forbid")

    base_url: str = Field(description="The service's OpenAI API root, such as 'https://api.openai.com/v1'.")
    api_key: SecretStr | None = Field(default=None, description="Sent as 'Authorization: Bearer <api_key>'.")
    timeout: float = Field(
        default=60.0, gt=0, description="Seconds to wait for the service to answer (and between streamed chunks)."
    )
    connect_timeout: float = Field(default=5.0, gt=0, description="Seconds to wait for a connection.")
    max_retries: int = Field(
        default=2,
        ge=0,
        le=10,
        description="Retries on connection errors, 429 and 5xx answers, before anything was sent to the client.",
    )
    max_concurrent_requests: int | None = Field(
        default=None, ge=1, description="Most requests in flight to the service from one server process."
    )
    extra_headers: dict[str, str] = Field(default_factory=dict, description="Headers added to every request.")
    refresh_models: bool = Field(
        default=True, description="List the service's models and register them as '<provider_id>/<model>'."
    )

    @field_validator("base_url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        value = value.strip()
        if not value.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return value.rstrip("/")


class OpenaiConfig(OpenAICompatibleConfig):
    base_url: str = Field(default="https://api.openai.com/v1", description="OpenAI's API root.")


class VllmConfig(OpenAICompatibleConfig):
    base_url: str = Field(default="http://localhost:8000/v1", description="The vLLM server's OpenAI API root.")


class OllamaConfig(OpenAICompatibleConfig):
    base_url: str = Field(default="http://localhost:11434/v1", description="Ollama's OpenAI-compatible endpoint.")


class TogetherConfig(OpenAICompatibleConfig):
    base_url: str = Field(default="https://api.together.xyz/v1", description="Together AI's API root.")


class FireworksConfig(OpenAICompatibleConfig):
    base_url: str = Field(default="https://api.fireworks.ai/inference/v1", description="Fireworks AI's API root.")


class GroqConfig(OpenAICompatibleConfig):
    base_url: str = Field(default="https://api.groq.com/openai/v1", description="Groq's OpenAI-compatible API root.")


class SambanovaConfig(OpenAICompatibleConfig):
    base_url: str = Field(default="https://api.sambanova.ai/v1", description="SambaNova Cloud's API root.")


class CerebrasConfig(OpenAICompatibleConfig):
    base_url: str = Field(default="https://api.cerebras.ai/v1", description="Cerebras Inference's API root.")


class OpenaiCompatConfig(OpenAICompatibleConfig):
    """Any service speaking the OpenAI API: `base_url` has no default."""
