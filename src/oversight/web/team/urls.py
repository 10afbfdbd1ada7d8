"""The team pages and the duty list, in the "web" namespace (included by oversight.web.urls)."""

from django.urls import path

from oversight.web.team import absences, board, buddies, duty, reallocate

urlpatterns = [
    path("team/cover/", board.board, name="cover-board"),
    path("team/cover/<str:day>/", board.day, name="cover-day"),
    path("team/absences/new/", absences.absence_new, name="team-absence-new"),
    path("team/absences/<str:ref>/", absences.absence, name="team-absence"),
    path("team/buddies/", buddies.buddies, name="team-buddies"),
    path("team/reallocate/", reallocate.reallocate, name="team-reallocate"),
    path("duty/", duty.duty, name="duty"),
]
