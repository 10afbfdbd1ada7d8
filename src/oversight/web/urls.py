from django.urls import include, path

from oversight.web import views

app_name = "web"

urlpatterns = [
    path("design/", views.style_guide, name="design"),
    path("", include("oversight.web.casework.urls")),  # home, caseload, buddies, absences, the child's file
    path("", include("oversight.web.reports.urls")),  # reports, exports, PDFs, Stat Wednesday, calendar feeds
    path("", include("oversight.web.dataprotection.urls")),  # subject access export
    path("", include("oversight.web.supervision.urls")),  # supervision, preparation, sessions, records
    path("", include("oversight.web.senior.urls")),  # chain of supervision, compliance, findings
    path("", include("oversight.web.team.urls")),  # team cover board, absences, buddies, reallocation, duty
    path("", include("oversight.web.imports.urls")),  # importing an exchange document or a CSV export
]
