"""`inline::llama-guard`: shields whose provider id is a guard model, asked through our own inference routing.

The guard model is a registered LLM (any provider serving Llama Guard: vLLM, Ollama, a hosted API);
the shield's `provider_resource_id` is its model id.
"""

import asyncio
from typing import Any

from apis.common.errors import BadRequestError, ModelNotFoundError, UpstreamError
from apis.inference.protocol import Inference
from apis.inference.schemas import ChatCompletion, ChatCompletionRequest
from apis.models.table import MODELS
from apis.safety.schemas import Message, ModerationResult, RunShieldRequest, RunShieldResponse, SafetyViolation
from apis.shields.schemas import Shield
from providers.inline.safety.llama_guard.config import LlamaGuardConfig
from providers.inline.safety.llama_guard.prompt import (
    CATEGORIES,
    UnexpectedAnswer,
    Verdict,
    build_prompt,
    conversation_turns,
    parse_answer,
)

CANNED_RESPONSE = "I can't answer that. Can I help with something else?"


class LlamaGuardSafety:
    def __init__(self, config: LlamaGuardConfig, inference: Inference) -> None:
        self.config = config
        self.inference = inference
        self.categories = {code: name for code, name in CATEGORIES.items() if code not in config.excluded_categories}

    async def register_shield(self, shield: Shield) -> None:
        """The shield's guard model must be a registered LLM."""
        model_id = shield.provider_resource_id
        try:
            model = await MODELS.aget(model_id)
        except ModelNotFoundError:
            raise BadRequestError(
                f"Shield '{shield.identifier}' needs a registered LLM as its guard model: "
                f"model '{model_id}' is not registered.",
                param="provider_shield_id",
            ) from None
        if model.model_type != "llm":
            raise BadRequestError(
                f"Shield '{shield.identifier}' needs an LLM as its guard model: model '{model_id}' is of type "
                f"'{model.model_type}'.",
                param="provider_shield_id",
            )

    async def classify(self, shield: Shield, messages: list[Message]) -> Verdict:
        turns = conversation_turns(messages)
        if not turns:
            raise BadRequestError(
                "Llama Guard needs at least one user message with text to classify.", param="messages"
            )
        prompt = build_prompt(turns, self.config.excluded_categories)
        request = ChatCompletionRequest(
            model=shield.provider_resource_id,
            messages=[{"role": "user", "content": prompt}],
            # Classification, not generation: the most likely answer, and it is a few tokens long.
            temperature=0.0,
            max_tokens=20,
        )
        completion = await self.inference.openai_chat_completion(request)
        assert isinstance(completion, ChatCompletion)
        answer = _answer_text(completion)
        try:
            return parse_answer(answer, self.config.excluded_categories)
        except UnexpectedAnswer as exc:
            raise UpstreamError(
                f"Guard model '{shield.provider_resource_id}' of shield '{shield.identifier}' answered in an "
                f"unexpected format: {exc}",
                status_code=502,
                code="unexpected_guard_answer",
            ) from exc

    def _metadata(self, verdict: Verdict) -> dict[str, Any]:
        return {"violation_type": ",".join(verdict.codes), "categories": [CATEGORIES[c] for c in verdict.codes]}

    async def run_shield(self, shield: Shield, request: RunShieldRequest) -> RunShieldResponse:
        verdict = await self.classify(shield, request.messages)
        if not verdict.unsafe:
            return RunShieldResponse(violation=None)
        return RunShieldResponse(
            violation=SafetyViolation(
                violation_level="error", user_message=CANNED_RESPONSE, metadata=self._metadata(verdict)
            )
        )

    async def run_moderation(self, shield: Shield, inputs: list[str]) -> list[ModerationResult]:
        limit = asyncio.Semaphore(self.config.max_concurrency)

        async def moderate(text: str) -> ModerationResult:
            if not text.strip():
                return self._result(Verdict(()))
            async with limit:
                return self._result(await self.classify(shield, [Message(role="user", content=text)]))

        return list(await asyncio.gather(*(moderate(text) for text in inputs)))

    def _result(self, verdict: Verdict) -> ModerationResult:
        flagged = {CATEGORIES[code] for code in verdict.codes}
        names = self.categories.values()
        return ModerationResult(
            flagged=verdict.unsafe,
            categories={name: name in flagged for name in names},
            category_scores={name: 1.0 if name in flagged else 0.0 for name in names},
            category_applied_input_types={name: ["text"] if name in flagged else [] for name in names},
            user_message=CANNED_RESPONSE if verdict.unsafe else None,
            metadata=self._metadata(verdict) if verdict.unsafe else {},
        )


def _answer_text(completion: ChatCompletion) -> str:
    choices = completion.choices
    content = (choices[0].get("message") or {}).get("content") if choices else None
    return content if isinstance(content, str) else ""
