"""Help-desk pages: each audience's module owns its paths (portal, staff, work queue, reports)."""

from helpdesk.views import portal, reports, search, staff, workqueue

app_name = "helpdesk"

urlpatterns = [
    *portal.urlpatterns,
    *staff.urlpatterns,
    *workqueue.urlpatterns,
    *search.urlpatterns,
    *reports.urlpatterns,
]
