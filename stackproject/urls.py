"""URL configuration: the admin and the one NinjaAPI holding every API route."""

from django.contrib import admin
from django.urls import path

from stackproject.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", api.urls),
]
