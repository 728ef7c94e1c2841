"""Groups of settings read from django.conf.settings as one validated pydantic object."""

from typing import TypeVar

from django.conf import settings
from pydantic import BaseModel

Group = TypeVar("Group", bound=BaseModel)


def settings_group(model: type[Group], prefix: str) -> Group:
    """The model with each field read from the setting named `prefix` + the field's name in capitals."""
    return model(**{name: getattr(settings, f"{prefix}{name.upper()}") for name in model.model_fields})
