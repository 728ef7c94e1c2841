from django.apps import AppConfig


class AccessConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "apis.access"
    label = "access"
    verbose_name = "Access control"
