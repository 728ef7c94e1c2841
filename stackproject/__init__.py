"""The stack server's Django project: settings, URLs, the API assembly and the Celery app."""

from stackproject.celery import app as celery_app

__all__ = ["celery_app"]
