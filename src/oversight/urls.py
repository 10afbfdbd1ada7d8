from django.contrib import admin
from django.urls import include, path

from oversight.api.urls import api_urls

urlpatterns = [
    path("", include("oversight.accounts.urls")),  # sign-in pages; before admin/ (its login page is ours)
    path("admin/", admin.site.urls),
    path("api/", api_urls),  # the JSON API (docs/api.md)
    path("", include("oversight.ops.urls")),
    path("", include("oversight.web.urls")),
]
