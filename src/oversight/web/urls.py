from django.urls import path

from oversight.web import views

app_name = "web"

urlpatterns = [
    path("design/", views.style_guide, name="design"),
]
