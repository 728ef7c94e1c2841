"""Admin for the shield routing table."""

from typing import Any

from django import forms
from django.contrib import admin

from apis.common.admin import RoutedResourceAdmin, RoutedResourceForm
from apis.common.errors import BadRequestError
from apis.shields.models import RegisteredShield
from apis.shields.table import SHIELDS


class ShieldForm(RoutedResourceForm):
    table = SHIELDS
    provider_resource_id = forms.CharField(
        required=False,
        max_length=255,
        help_text="The provider's own id (for Llama Guard, the guard model); defaults to the identifier.",
    )
    params = forms.JSONField(
        required=False,
        initial=dict,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text='A JSON object of options for the provider, e.g. {"categories": ["pii"]} for a regex shield.',
    )

    class Meta:
        model = RegisteredShield
        fields = ["identifier", "provider_id", "provider_resource_id", "params"]

    def type_fields(self, cleaned: dict[str, Any]) -> dict[str, Any]:
        params = cleaned.get("params") or {}
        if not isinstance(params, dict):
            raise BadRequestError("The params must be a JSON object.", param="params")
        return {"params": params}


@admin.register(RegisteredShield)
class ShieldAdmin(RoutedResourceAdmin):
    table = SHIELDS
    form = ShieldForm
