"""The site's URLs plus a view that fails, for the 500 page test."""

from django.urls import path

from oversight.urls import urlpatterns as site


def fails(request):
    raise RuntimeError("lookup failed for child Jane Example, C-1042")


urlpatterns = [path("fails/", fails), *site]
