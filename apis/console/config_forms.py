"""Form fields built from a provider's config class (pydantic), and the config a submitted form stands for.

Plain types (str, int, float, bool, choices, and their optional forms) get typed inputs with the field's
default, bounds and description; `SecretStr` fields are password inputs that are never filled in; any
other type (lists, dicts, nested models) is edited as JSON in its own field.
"""

import enum
import json
import types
import typing
from dataclasses import dataclass
from typing import Any

import annotated_types
from django import forms
from django.forms.fields import InvalidJSONInput
from django.utils.html import escape
from pydantic import BaseModel, SecretStr, TypeAdapter
from pydantic.fields import FieldInfo

from providers.secrets import secret_fields

FIELD_PREFIX = "config__"
SECRET_KEPT = "•••••••• stored: leave blank to keep it"


class IndentedJSONField(forms.JSONField):
    """A JSON field shown indented, so that a list of models or a dict of headers reads like the docs."""

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, InvalidJSONInput):  # text that did not parse is shown back as typed
            return value
        return json.dumps(value, indent=2, ensure_ascii=False)


@dataclass(frozen=True)
class ConfigField:
    """One field of a config class as the form shows it."""

    name: str
    form_name: str
    form_field: forms.Field
    secret: bool
    structured: bool
    has_default: bool
    default: Any  # as JSON-compatible data


def _optional_inner(annotation: Any) -> tuple[Any, bool]:
    """(X, True) for `X | None`, else (annotation, False)."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
        if len(args) == 1 and len(args) < len(typing.get_args(annotation)):
            return args[0], True
    return annotation, False


def _bounds(info: FieldInfo) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    for item in info.metadata:
        if isinstance(item, annotated_types.Ge | annotated_types.Gt):
            bounds["min_value"] = item.ge if isinstance(item, annotated_types.Ge) else item.gt
        elif isinstance(item, annotated_types.Le | annotated_types.Lt):
            bounds["max_value"] = item.le if isinstance(item, annotated_types.Le) else item.lt
        elif isinstance(item, annotated_types.MaxLen):
            bounds["max_length"] = item.max_length
    return bounds


def _default(info: FieldInfo, annotation: Any) -> tuple[bool, Any]:
    if info.is_required():
        return False, None
    value = info.get_default(call_default_factory=True)
    if isinstance(value, SecretStr):
        return True, None
    return True, TypeAdapter(annotation).dump_python(value, mode="json")


def _choices(annotation: Any) -> list[Any] | None:
    if typing.get_origin(annotation) is typing.Literal:
        return list(typing.get_args(annotation))
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return [member.value for member in annotation]
    return None


def _help_text(info: FieldInfo, has_default: bool, default: Any, secret: bool, stored_secret: bool) -> str:
    parts = [info.description.rstrip(".") + "." if info.description else ""]
    if secret:
        parts.append("Stored encrypted, never shown again." + (" Leave blank to keep it." if stored_secret else ""))
    elif has_default and default not in (None, "", [], {}):
        parts.append(f"Default: {json.dumps(default) if not isinstance(default, str) else default}.")
    elif not has_default:
        parts.append("Required.")
    # Django renders help text as HTML: descriptions such as "Bearer <api_key>" must show as written.
    return escape(" ".join(part for part in parts if part))


def _form_field(name: str, info: FieldInfo, stored: dict[str, Any], secret: bool) -> ConfigField:
    annotation, optional = _optional_inner(info.annotation)
    has_default, default = _default(info, info.annotation)
    label = info.title or name
    structured = False
    common: dict[str, Any] = {"label": label, "required": False}
    initial = stored.get(name, default) if not secret else None
    choices = _choices(annotation)
    bounds = _bounds(info)
    field: forms.Field
    if secret:
        stored_secret = bool(stored.get(name))
        attrs = {"autocomplete": "new-password", "placeholder": SECRET_KEPT if stored_secret else ""}
        field = forms.CharField(widget=forms.PasswordInput(attrs=attrs, render_value=False), **common)
        field.help_text = _help_text(info, has_default, default, True, stored_secret)
        return ConfigField(name, FIELD_PREFIX + name, field, True, False, has_default, default)
    if choices is not None:
        blank = [("", "(default)" if has_default else "---------")] if optional or has_default else []
        field = forms.TypedChoiceField(
            choices=blank + [(value, str(value)) for value in choices],
            coerce=lambda value, choices=choices: next(c for c in choices if str(c) == value),
            empty_value=None,
            **common,
        )
    elif annotation is bool and not optional:
        field = forms.BooleanField(**common)
    elif annotation is bool:
        field = forms.NullBooleanField(**common)
    elif annotation is int:
        field = forms.IntegerField(**common, **{k: v for k, v in bounds.items() if k != "max_length"})
    elif annotation is float:
        field = forms.FloatField(**common, **{k: v for k, v in bounds.items() if k != "max_length"})
    elif annotation is str:
        field = forms.CharField(
            **common, max_length=bounds.get("max_length"), widget=forms.TextInput(attrs={"size": 60})
        )
    else:
        structured = True
        field = IndentedJSONField(
            **common, widget=forms.Textarea(attrs={"rows": 4, "cols": 80, "class": "console-json"})
        )
    field.initial = initial
    field.help_text = _help_text(info, has_default, default, False, False)
    # Bold label and Django's own "required" message; the form lifts it when the JSON config is used instead.
    field.required = not has_default and not (annotation is bool and not optional)
    return ConfigField(name, FIELD_PREFIX + name, field, False, structured, has_default, default)


def config_fields(config_class: type[BaseModel], stored: dict[str, Any] | None = None) -> list[ConfigField]:
    """The form fields of every field of `config_class`, initially the stored values (secrets never)."""
    stored = stored or {}
    # The fields stored encrypted (any union holding SecretStr) are the ones shown as password inputs.
    secrets = secret_fields(config_class)
    return [_form_field(name, info, stored, name in secrets) for name, info in config_class.model_fields.items()]


def config_from_form(
    fields: list[ConfigField], cleaned: dict[str, Any], previous: dict[str, Any] | None
) -> dict[str, Any]:
    """The config the submitted fields stand for.

    A field left blank, or set to its default, is left out (the config class's default applies). A secret
    left blank is sent blank when one is stored, which the registration service reads as "keep it".
    """
    previous = previous or {}
    config: dict[str, Any] = {}
    for field in fields:
        value = cleaned.get(field.form_name)
        if field.secret:
            if value:
                config[field.name] = value
            elif previous.get(field.name):
                config[field.name] = ""
            continue
        if value is None or (value == "" and not field.structured):
            continue
        if field.has_default and value == field.default:
            continue
        config[field.name] = value
    return config
