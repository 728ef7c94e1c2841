"""Admin for provider registrations: a config form typed from the provider's config class, secrets masked and
kept, health, "test connection", "import models", and the change history of every edit.

Adding a registration takes two steps: pick the API and provider type (and the module of an external
provider), press "Show settings", then fill in the settings of that type. The whole config can also be
given as JSON ("Advanced"), which is how config classes with types the form cannot show are edited.
"""

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.module_loading import import_string
from django.views.decorators.http import require_POST
from pydantic import BaseModel, ValidationError

from apis.common.errors import ProviderConfigError, StackError
from apis.console.config_forms import ConfigField, config_fields, config_from_form
from apis.console.selectors import (
    DISABLED,
    Health,
    model_counts_by_provider,
    provider_connection_test,
    provider_health,
    providers_health,
)
from apis.models.models import Model
from apis.models.services import models_refresh_from_provider
from apis.providers.models import ProviderRegistration
from apis.providers.services import registration_config_for_storage, registration_delete, registration_save
from providers.registry import available_specs, resolve_spec
from providers.secrets import mask_config, secret_fields
from providers.spec import Api, ProviderSpec, ProviderSpecError

TYPE_FIELDS = ("api", "provider_type", "module")
CHOOSE_TYPE = "_choose_type"


def _api_choices() -> list[tuple[str, str]]:
    return [(api.value, api.value) for api in Api if api not in (Api.inspect, Api.providers)]


@dataclass
class ChosenType:
    """The provider type a form is for, and its config class when it resolves."""

    api: str = ""
    provider_type: str = ""
    module: str = ""
    spec: ProviderSpec | None = None
    config_class: type[BaseModel] | None = None
    error: str | None = None
    fields: list[ConfigField] = field(default_factory=list)

    @property
    def query(self) -> str:
        return urlencode({"api": self.api, "provider_type": self.provider_type, "module": self.module})


def choose_type(api: str, provider_type: str, module: str, stored: dict[str, Any] | None = None) -> ChosenType:
    chosen = ChosenType(api=api, provider_type=provider_type, module=module)
    if not api or not provider_type:
        return chosen
    try:
        chosen.spec = resolve_spec(api, provider_type, module)
        chosen.config_class = import_string(chosen.spec.config_class)
    except (ProviderSpecError, ImportError) as exc:
        chosen.error = str(exc)
        return chosen
    chosen.fields = config_fields(chosen.config_class, stored)
    return chosen


class ProviderTypeInput(forms.TextInput):
    """A text input suggesting the built-in provider types (an external module brings its own type)."""

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> str:
        attrs = {**(attrs or {}), "list": "provider-types", "size": 40, "autocomplete": "off"}
        options = format_html_join(
            "",
            '<option value="{}" data-api="{}">{} · {}</option>',
            ((spec.provider_type, spec.api, spec.api, spec.description) for spec in available_specs()),
        )
        return format_html('{}<datalist id="provider-types">{}</datalist>', super().render(name, value, attrs), options)


class ProviderRegistrationForm(forms.ModelForm):
    """The fixed fields; `registration_form_for` adds the typed fields of the chosen provider type."""

    api = forms.ChoiceField(choices=_api_choices)
    config = forms.JSONField(
        required=False,
        label="config (JSON)",
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80, "class": "console-json"}),
        help_text="The whole config as a JSON object, validated against the provider's config class; when filled "
        "in, it is used instead of the fields above. Secret fields are shown blank: leave them blank (or out) "
        "to keep the stored value.",
    )
    chosen: ChosenType = ChosenType()

    class Meta:
        model = ProviderRegistration
        fields = ["api", "provider_id", "provider_type", "module", "config", "enabled"]
        widgets = {"provider_type": ProviderTypeInput}
        help_texts = {
            "provider_type": "A built-in type (suggested as you type) or the type an external module provides.",
            "module": "External providers only: the installed module exposing get_provider_spec().",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            chosen = {name: getattr(self.chosen, name) for name in TYPE_FIELDS}
            self.initial.update({name: value for name, value in chosen.items() if value})
        if self.chosen.spec is not None:
            # The typed fields carry the config: the JSON field starts blank (filling it in overrides them).
            self.initial["config"] = None
        elif self.instance.pk and isinstance(self.instance.config, dict):
            # A type that no longer resolves (a module uninstalled): its config can still be edited as JSON.
            hidden = {key for key in self.instance.config if key in self._secret_names()}
            self.initial["config"] = {k: ("" if k in hidden else v) for k, v in self.instance.config.items()}
        if self.is_bound and self.data.get("config", "").strip():
            for config_field in self.chosen.fields:
                if config_field.form_name in self.fields:
                    self.fields[config_field.form_name].required = False

    def _secret_names(self) -> set[str]:
        if self.chosen.config_class is not None:
            return secret_fields(self.chosen.config_class)
        return set(self.instance.config)  # unknown class: hide every value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        api, provider_type = cleaned.get("api"), cleaned.get("provider_type")
        module = cleaned.get("module") or ""
        config_json = cleaned.get("config")
        if config_json is not None and not isinstance(config_json, dict):
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
        typed = config_json is None and self.chosen.spec == spec
        if config_json is not None:
            config = config_json
        elif typed:
            config = config_from_form(self.chosen.fields, cleaned, previous)
        else:
            self.add_error(None, "Press “Show settings” to fill in the settings of this provider type.")
            return cleaned
        if self.errors:
            return cleaned
        try:
            registration_config_for_storage(spec=spec, config=config, previous=previous)
        except ProviderConfigError as exc:
            self._add_config_errors(exc, typed)
        cleaned["config"] = config
        return cleaned

    def _add_config_errors(self, exc: ProviderConfigError, typed: bool) -> None:
        """Each problem on the field it is about (typed form), or all of them on the JSON config."""
        cause = exc.__cause__
        form_names = {config_field.name: config_field.form_name for config_field in self.chosen.fields}
        if not typed or not isinstance(cause, ValidationError):
            self.add_error("config" if not typed else None, str(exc))
            return
        for error in cause.errors():
            location = [str(part) for part in error["loc"]]
            target = form_names.get(location[0]) if location else None
            where = ".".join(location[1:] if target else location)
            self.add_error(target, f"{where}: {error['msg']}" if where else error["msg"])


def registration_form_for(chosen: ChosenType) -> type[ProviderRegistrationForm]:
    """The form class for one provider type: the fixed fields plus one field per config field."""
    attrs: dict[str, Any] = {config_field.form_name: config_field.form_field for config_field in chosen.fields}
    attrs["chosen"] = chosen
    return type("ProviderRegistrationForm", (ProviderRegistrationForm,), attrs)


def _health_badge(health: Health) -> str:
    css = {"OK": "ok", "Error": "down", "Disabled": "off"}.get(health.status, "unknown")
    return format_html(
        '<span class="console-badge console-{}" title="{}">{}</span>{}',
        css,
        health.message,
        health.status,
        format_html(' <span class="console-muted">{}</span>', health.message) if health.message else "",
    )


@admin.register(ProviderRegistration)
class ProviderRegistrationAdmin(admin.ModelAdmin):
    form = ProviderRegistrationForm
    change_form_template = "admin/providers/providerregistration/change_form.html"
    list_display = ["provider_id", "api", "provider_type", "enabled", "source", "updated_at"]
    list_filter = ["api", "enabled", "source", "provider_type"]
    search_fields = ["provider_id", "provider_type", "module"]
    readonly_fields = ["health", "models_served", "stored_config", "source", "created_at", "updated_at"]
    actions = ["check_health", "import_models", "enable", "disable"]

    # --- the form: the provider type chosen, then its typed fields ---------------------------------------

    def chosen_type(self, request: HttpRequest, obj: ProviderRegistration | None) -> ChosenType:
        """The type the form is for: as submitted, as asked for ("Show settings"), or as registered."""
        cached: dict[int | None, ChosenType] = request.__dict__.setdefault("_provider_chosen_type", {})
        key = obj.pk if obj is not None else None
        if key not in cached:
            source: Any = request.POST if request.method == "POST" and "api" in request.POST else request.GET
            if "provider_type" not in source and obj is not None:
                source = {name: getattr(obj, name) for name in TYPE_FIELDS}
            stored = obj.config if obj is not None else None
            cached[key] = choose_type(
                str(source.get("api", "")).strip(),
                str(source.get("provider_type", "")).strip(),
                str(source.get("module", "")).strip(),
                stored,
            )
        return cached[key]

    def get_form(
        self, request: HttpRequest, obj: ProviderRegistration | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm]:
        form = registration_form_for(self.chosen_type(request, obj))
        return super().get_form(request, obj, change, form=form, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: ProviderRegistration | None = None) -> list[Any]:
        chosen = self.chosen_type(request, obj)
        identity = ["api", "provider_type", "module", "provider_id", "enabled"]
        if chosen.spec is not None:
            title = f"Settings of {chosen.provider_type}"
            description = format_html(
                "{} <span class=\"console-muted\">Config class <code>{}</code>.</span>",
                chosen.spec.description,
                chosen.spec.config_class,
            )
        else:
            title = "Settings"
            description = format_html(
                "{}Choose the API and the provider type above, then show the settings of that type.",
                format_html('<span class="errornote">{}</span> ', chosen.error) if chosen.error else "",
            )
        choose = format_html(
            '<p><button type="submit" name="{}" value="1" class="button" formnovalidate>Show settings</button></p>',
            CHOOSE_TYPE,
        )
        fieldsets: list[Any] = [
            ("Provider", {"fields": identity}),
            (title, {"fields": [f.form_name for f in chosen.fields], "description": description + choose}),
            (
                "Advanced: the whole config as JSON",
                {"fields": ["config"], "classes": ["collapse"] if chosen.spec is not None else []},
            ),
        ]
        if obj is not None:
            fieldsets.append(("Status", {"fields": list(self.readonly_fields)}))
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: ProviderRegistration | None = None) -> list[str]:
        # The provider_id names the registration: another id is another registration.
        return [*self.readonly_fields, "provider_id"] if obj is not None else []

    def _choose_type_redirect(self, request: HttpRequest) -> HttpResponse:
        chosen = {name: request.POST.get(name, "").strip() for name in (*TYPE_FIELDS, "provider_id")}
        return HttpResponseRedirect(f"{request.path}?{urlencode(chosen)}")

    def add_view(self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None) -> Any:
        if request.method == "POST" and CHOOSE_TYPE in request.POST:
            return self._choose_type_redirect(request)
        return super().add_view(request, form_url, extra_context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> Any:
        if request.method == "POST" and CHOOSE_TYPE in request.POST:
            return self._choose_type_redirect(request)
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: ProviderRegistration, form: forms.ModelForm, change: bool) -> None:
        saved = registration_save(
            api=form.cleaned_data["api"],
            provider_id=obj.provider_id if change else form.cleaned_data["provider_id"],
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

    # --- derived, read-only ---------------------------------------------------------------------------------

    def get_list_display(self, request: HttpRequest) -> list[Any]:
        # Health of every provider, checked concurrently once per page (and kept off the shared admin instance).
        if "_provider_health" not in request.__dict__:
            request.__dict__["_provider_health"] = providers_health()
            request.__dict__["_model_counts"] = model_counts_by_provider()
        health_by_id: dict[str, Health] = request.__dict__["_provider_health"]
        counts: dict[str, int] = request.__dict__["_model_counts"]

        @admin.display(description="health")
        def health(obj: ProviderRegistration) -> str:
            return _health_badge(health_by_id.get(obj.provider_id, DISABLED) if obj.enabled else DISABLED)

        @admin.display(description="models")
        def models(obj: ProviderRegistration) -> str:
            return self.models_served(obj, counts.get(obj.provider_id, 0))

        columns: list[Any] = list(self.list_display)
        columns[columns.index("source") + 1 : columns.index("source") + 1] = [health, models]
        return columns

    @admin.display(description="health")
    def health(self, obj: ProviderRegistration) -> str:
        return _health_badge(provider_health(provider_id=obj.provider_id) if obj.enabled else DISABLED)

    @admin.display(description="models served")
    def models_served(self, obj: ProviderRegistration, count: int | None = None) -> str:
        if obj.api != Api.inference:
            return "-"
        count = Model.objects.filter(provider_id=obj.provider_id).count() if count is None else count
        url = reverse("admin:models_model_changelist") + "?" + urlencode({"provider_id__exact": obj.provider_id})
        return format_html('<a href="{}">{} model{}</a>', url, count, "" if count == 1 else "s")

    @admin.display(description="stored config")
    def stored_config(self, obj: ProviderRegistration) -> str:
        try:
            config_class = import_string(resolve_spec(obj.api, obj.provider_type, obj.module).config_class)
        except (ProviderSpecError, ImportError):  # unresolvable: mask_config hides every encrypted value
            config_class = None
        masked = mask_config(config_class, obj.config)
        return format_html('<pre class="console-pre">{}</pre>', json.dumps(masked, indent=2, sort_keys=True))

    # --- test connection, import models ------------------------------------------------------------------

    def get_urls(self) -> list[URLPattern]:
        app_label, model_name = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/test-connection/",
                self.admin_site.admin_view(self.test_connection_view),
                name=f"{app_label}_{model_name}_test_connection",
            ),
            path(
                "<path:object_id>/import-models/",
                self.admin_site.admin_view(require_POST(self.import_models_view)),
                name=f"{app_label}_{model_name}_import_models",
            ),
            *super().get_urls(),
        ]

    def can_import_models(self, request: HttpRequest) -> bool:
        return request.user.has_perms(["models.add_model", "models.change_model"])

    def render_change_form(self, request: HttpRequest, context: dict[str, Any], *args: Any, **kwargs: Any) -> Any:
        obj = kwargs.get("obj")
        context["can_import_models"] = (
            obj is not None and obj.api == Api.inference and obj.enabled and self.can_import_models(request)
        )
        return super().render_change_form(request, context, *args, **kwargs)

    def test_connection_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_view_permission(request, obj):
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        report = provider_connection_test(provider_id=obj.provider_id)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Test connection: {obj.provider_id}",
            "subtitle": None,
            "opts": self.opts,
            "original": obj,
            "report": report,
            "health_badge": _health_badge(report.health),
            "can_import_models": report.lists_models and self.can_import_models(request),
        }
        return TemplateResponse(request, "admin/providers/providerregistration/test_connection.html", context)

    def import_models_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        if not self.can_import_models(request):
            return HttpResponse("You may not register models.", status=403)
        self._import_models(request, [obj])
        return HttpResponseRedirect(reverse("admin:providers_providerregistration_change", args=[obj.pk]))

    def _import_models(self, request: HttpRequest, rows: list[ProviderRegistration]) -> None:
        for row in rows:
            if row.api != Api.inference:
                self.message_user(request, f"{row.provider_id}: not an inference provider.", messages.WARNING)
                continue
            try:
                result = models_refresh_from_provider(provider_id=row.provider_id)
            except StackError as exc:
                self.message_user(request, f"Importing the models of {row.provider_id} failed: {exc.message}",
                                  messages.ERROR)
                continue
            self.log_change(request, row, f"Imported models: {result.summary()}.")
            self.message_user(request, f"Imported models of {result.summary()}.", messages.SUCCESS)

    # --- actions -----------------------------------------------------------------------------------------

    @admin.action(description="Check health of the selected providers", permissions=["view"])
    def check_health(self, request: HttpRequest, queryset: QuerySet[ProviderRegistration]) -> None:
        health = providers_health()
        for row in queryset:
            result = health.get(row.provider_id, DISABLED) if row.enabled else DISABLED
            level = messages.SUCCESS if result.ok else messages.WARNING
            detail = f": {result.message}" if result.message else ""
            self.message_user(request, f"Provider '{row.provider_id}': {result.status}{detail}", level)

    @admin.action(description="Import the models of the selected inference providers", permissions=["import"])
    def import_models(self, request: HttpRequest, queryset: QuerySet[ProviderRegistration]) -> None:
        self._import_models(request, list(queryset))

    def has_import_permission(self, request: HttpRequest) -> bool:
        return self.can_import_models(request)

    def _set_enabled(self, request: HttpRequest, queryset: QuerySet[ProviderRegistration], enabled: bool) -> None:
        changed = 0
        for row in queryset.filter(enabled=not enabled):
            # Saved through the service like any edit: validated again (stored secrets stay encrypted as they
            # are), the registry bumped, the change logged.
            try:
                registration_save(api=row.api, provider_id=row.provider_id, provider_type=row.provider_type,
                                  module=row.module, config=row.config, enabled=enabled,
                                  source=ProviderRegistration.Source.ADMIN)
            except (ProviderSpecError, ProviderConfigError) as exc:
                self.message_user(request, f"{row.provider_id}: {exc}", messages.ERROR)
                continue
            self.log_change(request, row, "Enabled." if enabled else "Disabled.")
            changed += 1
        self.message_user(request, f"{'Enabled' if enabled else 'Disabled'} {changed} provider(s).", messages.SUCCESS)

    @admin.action(description="Enable the selected providers", permissions=["change"])
    def enable(self, request: HttpRequest, queryset: QuerySet[ProviderRegistration]) -> None:
        self._set_enabled(request, queryset, True)

    @admin.action(description="Disable the selected providers", permissions=["change"])
    def disable(self, request: HttpRequest, queryset: QuerySet[ProviderRegistration]) -> None:
        self._set_enabled(request, queryset, False)
