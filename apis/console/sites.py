"""The admin site of the stack server: branded as the operations console, with the dashboard as its index."""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.template.response import TemplateResponse

from apis.console.selectors import dashboard


class ConsoleAdminSite(admin.AdminSite):
    site_header = "Stack server console"
    site_title = "Stack server console"
    index_title = "Operations"

    def index(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> TemplateResponse:
        context = {"dashboard": dashboard(), **(extra_context or {})}
        return super().index(request, extra_context=context)
