"""Admin for the benchmark routing table."""

from typing import Any

from django import forms
from django.contrib import admin

from apis.benchmarks.models import RegisteredBenchmark
from apis.benchmarks.services import benchmark_references_check
from apis.benchmarks.table import BENCHMARKS
from apis.common.admin import RoutedResourceAdmin, RoutedResourceForm
from apis.common.errors import BadRequestError


class BenchmarkForm(RoutedResourceForm):
    table = BENCHMARKS
    scoring_functions = forms.JSONField(
        initial=list, help_text='A JSON list of scoring function ids, e.g. ["basic::equality", "basic::subset_of"].'
    )
    metadata = forms.JSONField(required=False, initial=dict, help_text="A JSON object.")

    class Meta:
        model = RegisteredBenchmark
        fields = ["identifier", "provider_id", "provider_resource_id", "dataset_id", "scoring_functions", "metadata"]

    def type_fields(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        identifier = cleaned.get("identifier") or ""
        if "/" in identifier:
            raise BadRequestError("Benchmark ids cannot contain '/'.", param="identifier")
        functions = cleaned.get("scoring_functions")
        if not isinstance(functions, list) or not functions or not all(isinstance(f, str) for f in functions):
            raise BadRequestError("Give a non-empty JSON list of scoring function ids.", param="scoring_functions")
        metadata = cleaned.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise BadRequestError("The metadata must be a JSON object.", param="metadata")
        benchmark_references_check(dataset_id=cleaned["dataset_id"], scoring_functions=functions)
        return {"dataset_id": cleaned["dataset_id"], "scoring_functions": functions, "metadata": metadata}


@admin.register(RegisteredBenchmark)
class BenchmarkAdmin(RoutedResourceAdmin):
    table = BENCHMARKS
    form = BenchmarkForm
    list_display = ["identifier", "dataset_id", "scoring_functions", "provider_id", "owner_principal", "source"]
    search_fields = [*RoutedResourceAdmin.search_fields, "dataset_id"]
