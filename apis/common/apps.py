"""The AppConfig base that every API app uses to describe how its router is mounted."""

from typing import Any, ClassVar

from django.apps import AppConfig
from django.utils.module_loading import import_string


class StackApiConfig(AppConfig):
    """An API app: `<app>.routes.create_router(impl)` is mounted under `/<api_level>`."""

    default_auto_field = "django.db.models.BigAutoField"
    api: ClassVar[str]
    api_level: ClassVar[str] = "v1"
    # Also served under the legacy OpenAI-compatible prefix /v1/openai/v1 (marked deprecated there).
    openai_compat: ClassVar[bool] = False
    # The provider APIs whose provider types serve this API's routes (shown by /v1/inspect/routes).
    provider_apis: ClassVar[tuple[str, ...]] = ()
    # Dotted path of the object implementing the API's protocol for the routes.
    impl_class: ClassVar[str | None] = None
    _impl: Any = None

    def get_impl(self) -> Any:
        if self.impl_class is None:
            return None
        if self._impl is None:
            self._impl = import_string(self.impl_class)()
        return self._impl

    def create_router(self) -> Any:
        routes = import_string(f"{self.name}.routes.create_router")
        return routes(self.get_impl())
