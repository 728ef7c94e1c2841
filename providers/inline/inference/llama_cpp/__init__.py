"""`inline::llama-cpp`: a built-in local model (GGUF on llama.cpp) for chat, completions and embeddings.

Needs the packages of requirements-local.txt; without them the provider reports why it cannot start
and the rest of the server runs as usual.
"""

import importlib.util
from typing import Any

from apis.common.errors import ProviderConfigError
from providers.inline.inference.llama_cpp.config import LlamaCppInferenceConfig, LocalModelEntry, ModelKind

__all__ = ["LlamaCppInferenceConfig", "LocalModelEntry", "ModelKind", "get_provider_impl"]


def get_provider_impl(config: LlamaCppInferenceConfig, deps: dict[str, Any]) -> Any:
    if importlib.util.find_spec("llama_cpp") is None:
        raise ProviderConfigError(
            "inline::llama-cpp needs llama-cpp-python: scripts/run.sh installs requirements-local.txt, "
            "building its wheel once."
        )
    # Imported here: llama_cpp loads its native library on import, which servers without it must not need.
    from providers.inline.inference.llama_cpp.provider import LlamaCppInferenceProvider

    return LlamaCppInferenceProvider(config)
