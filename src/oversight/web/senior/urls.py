"""Pages for senior managers and the performance team (names in the "web" namespace)."""

from django.urls import path

from oversight.web.senior import views

urlpatterns = [
    path("chain/", views.chain, name="chain"),
    path("compliance/", views.compliance, name="compliance"),
    path("findings/", views.findings, name="findings"),
]
