"""The home page and the case manager's pages, in the "web" namespace (included by web/urls.py)."""

from django.urls import path

from oversight.web.casework import absences, buddies, case_audit, casefile, caseload, home

urlpatterns = [
    path("", home.home, name="home"),
    path("caseload/", caseload.caseload, name="caseload"),
    path("covering/", caseload.covering, name="covering"),
    path("buddies/", buddies.buddies, name="buddies"),
    path("absences/", absences.absences, name="absences"),
    path("absences/new/", absences.absence_new, name="absence-new"),
    path("absences/<str:ref>/leave-sheet/", absences.leave_sheet, name="leave-sheet"),
    path("cases/<str:ref>/", casefile.case_file, name="case"),
    path("cases/<str:ref>/audit/", case_audit.case_audit, name="case-audit"),
]
