"""Public pages of the school registry: the directory (/centros/) and a school's page."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .choices import Shift
from .models import School
from .selectors import (
    school_attached_list,
    school_directory_filter,
    school_get_public,
    school_offer,
)

PAGE_SIZE = 20


@require_GET
def school_directory(request: HttpRequest) -> HttpResponse:
    filterset = school_directory_filter(filters=request.GET, request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"filter": filterset, "page": page}
    # htmx swaps the form and results (not the page) when the search changes.
    if getattr(request, "htmx", False) and not request.htmx.boosted:
        return render(request, "schools/_directory.html", context)
    return render(request, "schools/school_list.html", context)


@require_GET
def school_detail(request: HttpRequest, code: str) -> HttpResponse:
    try:
        school = school_get_public(code=code)
    except School.DoesNotExist as exc:
        raise Http404 from exc
    attached = list(school_attached_list(school=school))
    shifts = dict(Shift.choices)
    offer: dict[str, dict[str, list[str]]] = {}
    for row in school_offer(school=school):
        grades = offer.setdefault(row.grade__level__name, {})
        grades.setdefault(row.grade__name, []).append(str(shifts.get(row.shift, row.shift)))
    infrastructure = getattr(school, "infrastructure", None)
    context = {
        "school": school,
        "attached": attached,
        "offer": offer,
        "infrastructure": infrastructure,
    }
    return render(request, "schools/school_detail.html", context)
