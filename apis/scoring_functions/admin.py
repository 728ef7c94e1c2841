"""Admin for the scoring-function routing table: the providers' own functions (listed) and registered ones."""

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from pydantic import ValidationError

from apis.common.admin import RoutedResourceAdmin, RoutedResourceForm
from apis.common.errors import BadRequestError
from apis.scoring_functions.models import RegisteredScoringFunction
from apis.scoring_functions.schemas import PARAMS, ReturnType
from apis.scoring_functions.selectors import scoring_functions_ensure_listed
from apis.scoring_functions.table import SCORING_FUNCTIONS


class ScoringFunctionForm(RoutedResourceForm):
    table = SCORING_FUNCTIONS
    provider_resource_id = forms.CharField(
        required=False,
        max_length=255,
        help_text="The provider's function this one runs (e.g. 'llm-as-judge::base'); defaults to the identifier.",
    )
    return_type = forms.JSONField(initial={"type": "number"}, help_text='e.g. {"type": "number"}.')
    params = forms.JSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 80}),
        help_text='e.g. {"type": "llm_as_judge", "judge_model": "my-model", '
        '"judge_score_regexes": ["Score: (\\\\d+)"]}.',
    )

    class Meta:
        model = RegisteredScoringFunction
        fields = ["identifier", "provider_id", "provider_resource_id", "description", "return_type", "params"]

    def type_fields(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        try:
            return_type = ReturnType.model_validate(cleaned.get("return_type"))
        except ValidationError as exc:
            raise BadRequestError(f"Invalid return type: {exc.errors()[0]['msg']}", param="return_type") from None
        raw = cleaned.get("params")
        try:
            params = PARAMS.validate_python(raw) if raw not in (None, "", {}) else None
        except ValidationError as exc:
            error = exc.errors()[0]
            where = ".".join(map(str, error["loc"]))
            raise BadRequestError(f"Invalid params ({where}): {error['msg']}", param="params") from None
        return {
            "description": cleaned.get("description") or "",
            "return_type": return_type.model_dump(mode="json"),
            "params": params.model_dump(mode="json") if params is not None else None,
            "metadata": {},
        }


@admin.register(RegisteredScoringFunction)
class ScoringFunctionAdmin(RoutedResourceAdmin):
    table = SCORING_FUNCTIONS
    form = ScoringFunctionForm
    list_display = ["identifier", "description", "provider_id", "provider_resource_id", "source", "owner_principal"]

    def changelist_view(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        # The providers' own functions appear here as soon as the providers run.
        scoring_functions_ensure_listed()
        return super().changelist_view(request, extra_context)
