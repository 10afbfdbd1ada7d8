"""Data protection pages, in the "web" namespace (web/urls.py)."""

from django.urls import path

from oversight.web.dataprotection import views

urlpatterns = [
    path("cases/<str:ref>/subject-access/", views.subject_access, name="subject-access"),
]
