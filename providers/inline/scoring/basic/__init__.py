"""`inline::basic`: basic::equality, basic::subset_of and basic::regex_parser_multiple_choice_answer."""

from typing import Any

from providers.inline.scoring.basic.config import BasicScoringConfig
from providers.inline.scoring.basic.scoring import BasicScoring

__all__ = ["BasicScoring", "BasicScoringConfig", "get_provider_impl"]


def get_provider_impl(config: BasicScoringConfig, deps: dict[str, Any]) -> BasicScoring:
    return BasicScoring(config)
