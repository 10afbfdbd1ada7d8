"""Reports, exports, printable documents and calendar feeds, in the "web" namespace (web/urls.py)."""

from django.urls import path

from oversight.web.reports import views

urlpatterns = [
    path("reports/", views.reports_index, name="reports"),
    path("reports/findings.csv", views.findings_csv, name="findings-csv"),
    path("reports/findings.xlsx", views.findings_xlsx, name="findings-xlsx"),
    path("reports/stat-wednesday/<str:day>/", views.stat_wednesday, name="stat-wednesday"),
    path("reports/stat-wednesday/<str:day>/<str:team>.xlsx", views.stat_wednesday_xlsx, name="stat-wednesday-xlsx"),
    path("absences/<str:ref>/leave-sheet.pdf", views.leave_sheet_pdf, name="leave-sheet-pdf"),
    path("supervisions/<str:ref>/record.pdf", views.supervision_pdf, name="supervision-pdf"),
    path("cases/<str:ref>/timeline.pdf", views.timeline_pdf, name="timeline-pdf"),
    path("calendar/", views.calendar_settings, name="calendar"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
