"""Config of the `inline::regex` safety provider."""

import re

from pydantic import BaseModel, ConfigDict, Field, field_validator

from apis.safety.schemas import ViolationLevel

DEFAULT_USER_MESSAGE = "I can't answer that. Can I help with something else?"


class RegexSafetyConfig(BaseModel):
    """Patterns per category; a message matching any pattern of a category falls in it.

    Patterns are set here by whoever runs the server, never by API callers: a shield's params can
    only pick among these categories, so no caller can make the server run a pattern of their own.
    """

    model_config = ConfigDict(extra="forbid")

    categories: dict[str, list[str]] = Field(
        default_factory=dict, description="Category name -> regular expressions (Python syntax)."
    )
    ignore_case: bool = Field(default=True, description="Match regardless of case.")
    violation_level: ViolationLevel = "error"
    user_message: str = DEFAULT_USER_MESSAGE

    @field_validator("categories")
    @classmethod
    def _patterns_compile(cls, categories: dict[str, list[str]]) -> dict[str, list[str]]:
        for name, patterns in categories.items():
            if not name.strip():
                raise ValueError("category names must not be empty")
            for pattern in patterns:
                try:
                    re.compile(pattern)
                except re.error as exc:
                    raise ValueError(f"pattern {pattern!r} of category '{name}' is invalid: {exc}") from exc
        return categories
