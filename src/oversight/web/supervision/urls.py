"""Supervision pages (names in the "web" namespace: included without an app_name of their own)."""

from django.urls import path

from oversight.web.supervision import records, session, views

urlpatterns = [
    path("supervision/", views.supervision_home, name="supervision"),
    path("supervision/<str:staff_ref>/prepare/", views.prepare, name="supervision-prepare"),
    path("supervision/<str:staff_ref>/record/", session.record_session, name="supervision-record"),
    path("supervision/<str:staff_ref>/gaps/<str:month>/", views.gap, name="supervision-gap"),
    path("cases/<str:case_ref>/oversight/new/", records.oversight_new, name="oversight-new"),
    path("cases/<str:case_ref>/records/<str:kind>/<str:ident>/amend/", records.record_amend, name="record-amend"),
]
