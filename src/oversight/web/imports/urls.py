from django.urls import path

from oversight.web.imports import views

urlpatterns = [
    path("imports/", views.imports, name="imports"),
    path("imports/apply/", views.imports_apply, name="imports-apply"),
]
