"""Pages for senior managers and the performance team (names in the "web" namespace)."""

from django.urls import path

from oversight.web.senior import exports, views

urlpatterns = [
    path("chain/", views.chain, name="chain"),
    path("compliance/", views.compliance, name="compliance"),
    path("findings/", views.findings, name="findings"),
    path("reports/chain.csv", exports.chain_csv, name="chain-csv"),
    path("reports/chain.xlsx", exports.chain_xlsx, name="chain-xlsx"),
    path("reports/compliance.csv", exports.compliance_csv, name="compliance-csv"),
    path("reports/compliance.xlsx", exports.compliance_xlsx, name="compliance-xlsx"),
]
