"""The Celery app, configured from Django settings under the CELERY_ namespace."""

import os

from celery import Celery
from celery.signals import celeryd_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stackproject.settings")

app = Celery("stackproject")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The node name of this worker ("name@host"), kept for the work it records (e.g. who took a batch chunk).
node_name = ""


@celeryd_init.connect
def _remember_node_name(sender: str | None = None, **kwargs: object) -> None:
    global node_name
    node_name = sender or ""
