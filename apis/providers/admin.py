"""Admin for provider registrations: configs validated on save, secrets masked, health shown."""

import asyncio
from typing import Any

from asgiref.sync import async_to_sync
from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.module_loading import import_string

from apis.common.errors import ProviderConfigError
from apis.providers.models import ProviderRegistration
from apis.providers.services import registration_config_for_storage, registration_delete, registration_save
from providers.registry import available_specs, resolve_spec
from providers.resolver import check_health, get_stack
from providers.secrets import secret_fields
from providers.spec import Api, ProviderSpec, ProviderSpecError


def _api_choices() -> list[tuple[str, str]]:
    return [(api.value, api.value) for api in Api if api not in (Api.inspect, Api.providers)]


def _spec_for(row: ProviderRegistration) -> ProviderSpec | None:
    try:
        return resolve_spec(row.api, row.provider_type, row.module)
    except ProviderSpecError:
        return None


class ProviderRegistrationForm(forms.ModelForm):
    api = forms.ChoiceField(choices=_api_choices)
    config = forms.JSONField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text="JSON object validated against the provider's config class. Secret fields are shown blank; "
        "leave them blank to keep the stored value.",
    )

    class Meta:
        model = ProviderRegistration
        fields = ["api", "provider_id", "provider_type", "module", "config", "enabled"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        known = ", ".join(sorted({spec.provider_type for spec in available_specs()}))
        self.fields["provider_type"].help_text = f"Built-in types: {known}; or the type an external module provides."
        instance = self.instance
        if instance.pk and isinstance(instance.config, dict):
            spec = _spec_for(instance)
            hidden = secret_fields(import_string(spec.config_class)) if spec else set(instance.config)
            self.initial["config"] = {k: ("" if k in hidden else v) for k, v in instance.config.items()}

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        api, provider_type = cleaned.get("api"), cleaned.get("provider_type")
        module = cleaned.get("module") or ""
        config = cleaned.get("config") or {}
        if not isinstance(config, dict):
            self.add_error("config", "The config must be a JSON object.")
            return cleaned
        if not api or not provider_type:
            return cleaned
        try:
            spec = resolve_spec(api, provider_type, module)
        except ProviderSpecError as exc:
            self.add_error("module" if module else "provider_type", str(exc))
            return cleaned
        previous = self.instance.config if self.instance.pk else None
        try:
            registration_config_for_storage(spec=spec, config=config, previous=previous)
        except ProviderConfigError as exc:
            self.add_error("config", str(exc))
        cleaned["config"] = config
        return cleaned


@admin.register(ProviderRegistration)
class ProviderRegistrationAdmin(admin.ModelAdmin):
    form = ProviderRegistrationForm
    list_display = ["provider_id", "api", "provider_type", "enabled", "source", "updated_at"]
    list_filter = ["api", "enabled", "source", "provider_type"]
    search_fields = ["provider_id", "provider_type", "module"]
    readonly_fields = ["source", "created_at", "updated_at"]
    actions = ["check_health"]

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        # Health of every provider, checked concurrently once per page (and kept off the shared admin instance).
        if not hasattr(request, "_provider_health"):
            request._provider_health = self._health_of_all()  # type: ignore[attr-defined]
        health_by_id: dict[str, dict[str, str]] = request._provider_health  # type: ignore[attr-defined]

        @admin.display(description="health")
        def health(obj: ProviderRegistration) -> str:
            if not obj.enabled:
                return "disabled"
            result = health_by_id.get(obj.provider_id)
            if result is None:
                return "-"
            return result["status"] if result["status"] == "OK" else f"{result['status']}: {result['message']}"

        columns: list[Any] = list(self.list_display)
        columns.insert(columns.index("source") + 1, health)
        return columns

    @staticmethod
    def _health_of_all() -> dict[str, dict[str, str]]:
        stack = get_stack()

        async def gather() -> dict[str, dict[str, str]]:
            handles = list(stack.handles.values())
            results = await asyncio.gather(*(check_health(handle) for handle in handles))
            return {handle.provider_id: result for handle, result in zip(handles, results, strict=True)}

        return async_to_sync(gather)()

    def save_model(self, request: HttpRequest, obj: ProviderRegistration, form: forms.ModelForm, change: bool) -> None:
        saved = registration_save(
            api=form.cleaned_data["api"],
            provider_id=form.cleaned_data["provider_id"],
            provider_type=form.cleaned_data["provider_type"],
            module=form.cleaned_data.get("module") or "",
            config=form.cleaned_data.get("config") or {},
            enabled=form.cleaned_data.get("enabled", True),
            source=ProviderRegistration.Source.ADMIN,
        )
        obj.pk, obj.config, obj.source = saved.pk, saved.config, saved.source

    def delete_model(self, request: HttpRequest, obj: ProviderRegistration) -> None:
        registration_delete(provider_id=obj.provider_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ProviderRegistration]) -> None:
        for provider_id in list(queryset.values_list("provider_id", flat=True)):
            registration_delete(provider_id=provider_id)

    @admin.action(description="Check health of the selected providers")
    def check_health(self, request: HttpRequest, queryset: QuerySet[ProviderRegistration]) -> None:
        health = self._health_of_all()
        for row in queryset:
            result = health.get(row.provider_id, {"status": "Error", "message": "The provider is disabled."})
            level = messages.SUCCESS if result["status"] == "OK" else messages.WARNING
            detail = f": {result['message']}" if result.get("message") else ""
            self.message_user(request, f"Provider '{row.provider_id}': {result['status']}{detail}", level)
