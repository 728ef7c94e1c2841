"""`inline::regex`: safety shields from configured regular expressions per category; no model needed."""

from typing import Any

from providers.inline.safety.regex.config import RegexSafetyConfig
from providers.inline.safety.regex.shield import RegexSafety

__all__ = ["RegexSafety", "RegexSafetyConfig", "get_provider_impl"]


def get_provider_impl(config: RegexSafetyConfig, deps: dict[str, Any]) -> RegexSafety:
    return RegexSafety(config)
