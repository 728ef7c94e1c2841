"""`inline::llm-as-judge`: llm-as-judge::base, a judge model asked through our inference routing."""

from typing import Any

from providers.inline.scoring.llm_as_judge.config import LlmAsJudgeScoringConfig
from providers.inline.scoring.llm_as_judge.scoring import LlmAsJudgeScoring
from providers.spec import Api

__all__ = ["LlmAsJudgeScoring", "LlmAsJudgeScoringConfig", "get_provider_impl"]


def get_provider_impl(config: LlmAsJudgeScoringConfig, deps: dict[str, Any]) -> LlmAsJudgeScoring:
    return LlmAsJudgeScoring(config, deps[Api.inference])
