"""Help-desk API under /api/v1/: each audience's module owns its paths."""

from helpdesk.api import portal, reports, staff, workqueue

urlpatterns = [
    *portal.urlpatterns,
    *staff.urlpatterns,
    *workqueue.urlpatterns,
    *reports.urlpatterns,
]
