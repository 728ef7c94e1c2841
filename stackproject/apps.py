"""The project's own app: connects the observability hooks in every process (web and workers)."""

from django.apps import AppConfig


class StackProjectConfig(AppConfig):
    name = "stackproject"
    verbose_name = "Stack server"

    def ready(self) -> None:
        from stackproject import observability  # noqa: F401 - connects the Celery signal handlers
