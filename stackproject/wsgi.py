"""WSGI entry point (used by `manage.py runserver` and WSGI servers)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stackproject.settings")

application = get_wsgi_application()
