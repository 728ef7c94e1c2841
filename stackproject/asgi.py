"""ASGI entry point: the production server is `uvicorn stackproject.asgi:application`."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stackproject.settings")

application = get_asgi_application()
