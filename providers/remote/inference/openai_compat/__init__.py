"""Inference through any OpenAI-compatible service: OpenAI, vLLM, Ollama, Together, Fireworks, Groq..."""

from typing import Any

from providers.remote.inference.openai_compat.adapter import OpenAICompatInferenceAdapter
from providers.remote.inference.openai_compat.config import OpenAICompatibleConfig

__all__ = ["OpenAICompatInferenceAdapter", "get_provider_impl"]


def get_provider_impl(config: OpenAICompatibleConfig, deps: dict[str, Any]) -> OpenAICompatInferenceAdapter:
    return OpenAICompatInferenceAdapter(config)
