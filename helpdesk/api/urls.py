"""Help-desk API under /api/v1/: each audience's module owns its paths."""

from helpdesk.api import portal, reports, search, staff

urlpatterns = [
    *portal.urlpatterns,
    *staff.urlpatterns,
    *search.urlpatterns,
    *reports.urlpatterns,
]
