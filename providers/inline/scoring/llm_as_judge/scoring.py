"""The `inline::llm-as-judge` scoring provider: a registered LLM, asked through our inference routing, judges
each row; the score is parsed from its answer with the function's regexes."""

import asyncio
import json
import re
from string import Formatter
from typing import Any

from apis.common.errors import BadRequestError
from apis.inference.protocol import Inference
from apis.inference.schemas import ChatCompletion, ChatCompletionRequest
from apis.scoring.aggregation import aggregate
from apis.scoring.schemas import ScoringResult
from apis.scoring_functions.schemas import (
    LLMAsJudgeScoringFnParams,
    ProviderScoringFn,
    ReturnType,
    ScoringFn,
    ScoringFnParams,
)
from providers.inline.scoring.llm_as_judge.config import LlmAsJudgeScoringConfig

JUDGE_BASE = "llm-as-judge::base"
DEFAULT_PROMPT_TEMPLATE = """You are grading an answer against the expected answer to a question.

Question: {input_query}
Expected answer: {expected_answer}
Answer to grade: {generated_answer}

How correct is the answer, from 0 (wrong) to 5 (entirely correct)? Reply with one line: Score: <number>"""
DEFAULT_SCORE_REGEXES = [r"(?i)score\s*[:=]\s*(-?\d+(?:\.\d+)?)"]
FIELD_NAME = re.compile(r"^\w+$")


def template_fields(template: str) -> list[str]:
    """The columns a prompt template names; only plain names, so that a template cannot reach into objects."""
    try:
        names = [name for _, name, _, _ in Formatter().parse(template) if name is not None]
    except ValueError as exc:
        raise BadRequestError(f"Invalid prompt_template: {exc}.", param="params.prompt_template") from None
    for name in names:
        if not FIELD_NAME.match(name):
            raise BadRequestError(
                f"Invalid prompt_template field '{{{name}}}': use column names such as {{generated_answer}}.",
                param="params.prompt_template",
            )
    return names


def parse_score(answer: str, regexes: list[str]) -> float | str | None:
    """Group 1 (or the whole match) of the first regex that matches: a number when it reads as one."""
    for pattern in regexes:
        match = re.search(pattern, answer)
        if match is None:
            continue
        text = (match.group(1) if match.groups() else match.group(0)).strip()
        try:
            return float(text)
        except ValueError:
            return text
    return None


def _as_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class LlmAsJudgeScoring:
    def __init__(self, config: LlmAsJudgeScoringConfig, inference: Inference) -> None:
        self.config = config
        self.inference = inference

    async def health(self) -> dict[str, Any]:
        return {"status": "OK"}

    async def list_scoring_functions(self) -> list[ProviderScoringFn]:
        return [
            ProviderScoringFn(
                provider_scoring_fn_id=JUDGE_BASE,
                description="A judge model rates each row; the score is parsed from its answer. Give params of type "
                "'llm_as_judge' with a judge_model (when registering a function on it, or with each request).",
                return_type=ReturnType(type="number"),
            )
        ]

    async def register_scoring_function(self, scoring_fn: ScoringFn) -> None:
        if scoring_fn.provider_resource_id != JUDGE_BASE:
            raise BadRequestError(
                f"Scoring function '{scoring_fn.identifier}' names '{scoring_fn.provider_resource_id}'; provider "
                f"'{scoring_fn.provider_id}' runs '{JUDGE_BASE}' only.",
                param="provider_scoring_fn_id",
            )
        if scoring_fn.params is not None:
            self._judge_params(scoring_fn, scoring_fn.params, "params")

    def _judge_params(
        self, scoring_fn: ScoringFn, params: ScoringFnParams | None, param: str
    ) -> LLMAsJudgeScoringFnParams:
        if not isinstance(params, LLMAsJudgeScoringFnParams):
            given = f"params of type '{params.type}'" if params is not None else "no params"
            raise BadRequestError(
                f"Scoring function '{scoring_fn.identifier}' needs params of type 'llm_as_judge' with a judge_model; "
                f"it got {given}.",
                param=param,
            )
        template_fields(params.prompt_template or DEFAULT_PROMPT_TEMPLATE)
        return params

    async def score(
        self, scoring_fn: ScoringFn, params: ScoringFnParams | None, input_rows: list[dict[str, Any]]
    ) -> ScoringResult:
        judge = self._judge_params(scoring_fn, params, f"scoring_functions.{scoring_fn.identifier}")
        template = judge.prompt_template or DEFAULT_PROMPT_TEMPLATE
        fields = template_fields(template)
        prompts = []
        for index, row in enumerate(input_rows):
            missing = [name for name in fields if name not in row]
            if missing:
                raise BadRequestError(
                    f"The judge's prompt of '{scoring_fn.identifier}' needs column '{missing[0]}'; "
                    f"row {index} has none.",
                    param="input_rows",
                )
            prompts.append(template.format_map({name: _as_text(row[name]) for name in fields}))
        limit = asyncio.Semaphore(self.config.max_concurrency)
        regexes = judge.judge_score_regexes or DEFAULT_SCORE_REGEXES

        async def judged(prompt: str) -> dict[str, Any]:
            async with limit:
                answer = await self._ask(judge.judge_model, prompt)
            return {"score": parse_score(answer, regexes), "judge_feedback": answer}

        score_rows = list(await asyncio.gather(*(judged(prompt) for prompt in prompts)))
        return ScoringResult(
            score_rows=score_rows, aggregated_results=aggregate(score_rows, judge.aggregation_functions or ["average"])
        )

    async def _ask(self, model: str, prompt: str) -> str:
        limit = {"max_tokens": self.config.judge_max_tokens} if self.config.judge_max_tokens else {}
        # Judging, not writing: the most likely answer.
        request = ChatCompletionRequest(
            model=model, messages=[{"role": "user", "content": prompt}], temperature=0.0, **limit
        )
        completion = await self.inference.openai_chat_completion(request)
        assert isinstance(completion, ChatCompletion)
        choices = completion.choices
        content = (choices[0].get("message") or {}).get("content") if choices else None
        return content if isinstance(content, str) else ""
