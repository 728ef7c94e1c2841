"""`inline::llama-guard`: safety shields classified by a Llama Guard model served through our inference routing."""

from typing import Any

from providers.inline.safety.llama_guard.config import LlamaGuardConfig
from providers.inline.safety.llama_guard.shield import LlamaGuardSafety
from providers.spec import Api

__all__ = ["LlamaGuardConfig", "LlamaGuardSafety", "get_provider_impl"]


def get_provider_impl(config: LlamaGuardConfig, deps: dict[str, Any]) -> LlamaGuardSafety:
    return LlamaGuardSafety(config, deps[Api.inference])
