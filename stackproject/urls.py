"""URL configuration: the admin and the one NinjaAPI holding every API route."""

from django.contrib import admin
from django.urls import path

from stackproject.api import api
from stackproject.observability import metrics_view

urlpatterns = [
    path("admin/", admin.site.urls),
    path("metrics", metrics_view, name="metrics"),
    path("", api.urls),
]
