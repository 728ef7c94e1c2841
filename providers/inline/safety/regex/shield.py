"""`inline::regex`: shields that flag messages matching the configured patterns of their categories.

A shield's params may name the categories it checks (`{"categories": ["pii"]}`); by default it
checks all of them.
"""

import re
from typing import Any

from apis.common.errors import BadRequestError
from apis.safety.schemas import ModerationResult, RunShieldRequest, RunShieldResponse, SafetyViolation
from apis.shields.schemas import Shield
from providers.inline.safety.regex.config import RegexSafetyConfig


class RegexSafety:
    def __init__(self, config: RegexSafetyConfig) -> None:
        self.config = config
        flags = re.IGNORECASE if config.ignore_case else 0
        # By name: the stored config may not keep the order it was written in (PostgreSQL's jsonb does not).
        self.patterns = {
            name: [re.compile(pattern, flags) for pattern in config.categories[name]]
            for name in sorted(config.categories)
        }

    def _categories(self, shield: Shield) -> list[str]:
        """The categories the shield checks; BadRequestError when its params name unknown ones."""
        chosen = shield.params.get("categories")
        unknown_params = sorted(set(shield.params) - {"categories"})
        if unknown_params:
            raise BadRequestError(
                f"Unknown params for a regex shield: {', '.join(unknown_params)} (known: categories).",
                param="params",
            )
        if chosen is None:
            return list(self.patterns)
        if not isinstance(chosen, list) or not all(isinstance(name, str) for name in chosen):
            raise BadRequestError("params.categories must be a list of category names.", param="params.categories")
        unknown = [name for name in chosen if name not in self.patterns]
        if unknown:
            raise BadRequestError(
                f"Unknown categories {', '.join(unknown)}; this provider has: {', '.join(self.patterns) or 'none'}.",
                param="params.categories",
            )
        return chosen

    def matches(self, categories: list[str], text: str) -> dict[str, str]:
        """Category -> the first text that matched one of its patterns."""
        found = {}
        for name in categories:
            for pattern in self.patterns[name]:
                match = pattern.search(text)
                if match:
                    found[name] = match.group(0)
                    break
        return found

    async def register_shield(self, shield: Shield) -> None:
        self._categories(shield)

    async def run_shield(self, shield: Shield, request: RunShieldRequest) -> RunShieldResponse:
        categories = self._categories(shield)
        found: dict[str, str] = {}
        for message in request.messages:
            for name, matched in self.matches(categories, message.text()).items():
                found.setdefault(name, matched)
        if not found:
            return RunShieldResponse(violation=None)
        metadata: dict[str, Any] = {"violation_type": ",".join(found), "matches": found}
        return RunShieldResponse(
            violation=SafetyViolation(
                violation_level=self.config.violation_level, user_message=self.config.user_message, metadata=metadata
            )
        )

    async def run_moderation(self, shield: Shield, inputs: list[str]) -> list[ModerationResult]:
        categories = self._categories(shield)
        results = []
        for text in inputs:
            found = self.matches(categories, text)
            results.append(
                ModerationResult(
                    flagged=bool(found),
                    categories={name: name in found for name in categories},
                    category_scores={name: 1.0 if name in found else 0.0 for name in categories},
                    category_applied_input_types={name: ["text"] if name in found else [] for name in categories},
                    user_message=self.config.user_message if found else None,
                    metadata={"violation_type": ",".join(found), "matches": found} if found else {},
                )
            )
        return results

    async def health(self) -> dict[str, str]:
        return {"status": "OK", "message": f"{len(self.patterns)} categories."}
