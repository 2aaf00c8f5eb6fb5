"""Admin for the geography (read-only: it ships as data) and the school registry.

Departments and municipalities change only with a new data migration and districts only through
``manage.py import_districts``, so the admin shows them without edit rights. Schools and sections
are saved through the services, so every admin edit lands in the audit chain.
"""

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import (
    Calendar,
    CalendarEvent,
    Cycle,
    Department,
    District,
    Grade,
    GradingPeriod,
    GradingScale,
    Level,
    Modality,
    Municipality,
    ScaleConcept,
    School,
    SchoolInfrastructure,
    SchoolYear,
    Section,
    StudyPlan,
    Subject,
)
from .services import (
    SCHOOL_EDITABLE_FIELDS,
    SECTION_EDITABLE_FIELDS,
    school_create,
    school_update,
    section_create,
    section_update,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class MunicipalityInline(admin.TabularInline):
    model = Municipality
    fields = ("code", "name")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ("code", "name")
    search_fields = ("code", "name")
    inlines = (MunicipalityInline,)


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "department")
    list_filter = ("department",)
    list_select_related = ("department",)
    search_fields = ("code", "name")


@admin.register(District)
class DistrictAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "municipality", "department")
    list_filter = ("municipality__department",)
    list_select_related = ("municipality__department",)
    search_fields = ("code", "name", "municipality__name")

    @admin.display(description=Department._meta.verbose_name, ordering="municipality__department")
    def department(self, obj: District) -> Department:
        return obj.municipality.department


class SectionInline(admin.TabularInline):
    model = Section
    fields = ("school_year", "grade", "name", "shift", "regimen", "capacity")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "sector", "classification", "zone", "municipality", "is_active")
    list_filter = ("is_active", "sector", "classification", "zone", "municipality__department")
    list_select_related = ("municipality",)
    search_fields = ("code", "name")
    autocomplete_fields = ("attached_to",)
    raw_id_fields = ("district",)
    inlines = (SectionInline,)

    def get_readonly_fields(self, request: HttpRequest, obj: School | None = None) -> tuple:
        # The code identifies the school everywhere (titles, budgets): it is set once.
        return ("code",) if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # deactivate instead: sections, grants and documents point at schools

    def save_model(self, request: HttpRequest, obj: School, form: Any, change: bool) -> None:
        if change:
            changes = {
                f: form.cleaned_data[f] for f in form.changed_data if f in SCHOOL_EDITABLE_FIELDS
            }
            saved = school_update(actor=request.user, school=obj, **changes)
        else:
            saved = school_create(
                actor=request.user,
                code=obj.code,
                **{field: getattr(obj, field) for field in SCHOOL_EDITABLE_FIELDS},
            )
        obj.pk = saved.pk


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "school", "school_year", "grade", "name", "shift", "regimen")
    list_filter = ("school_year", "shift", "regimen", "school__municipality__department")
    list_select_related = ("school", "grade")
    search_fields = ("school__code", "school__name", "grade__name")
    autocomplete_fields = ("school",)
    raw_id_fields = ("homeroom_teacher",)
    exclude = ("study_plan",)

    def get_readonly_fields(self, request: HttpRequest, obj: Section | None = None) -> tuple:
        return ("school", "school_year") if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # enrollments and grants point at sections

    def save_model(self, request: HttpRequest, obj: Section, form: Any, change: bool) -> None:
        if change:
            changes = {
                f: form.cleaned_data[f] for f in form.changed_data if f in SECTION_EDITABLE_FIELDS
            }
            saved = section_update(actor=request.user, section=obj, **changes)
        else:
            saved = section_create(
                actor=request.user,
                school=obj.school,
                school_year=obj.school_year,
                grade=obj.grade,
                name=obj.name,
                shift=obj.shift,
                regimen=obj.regimen,
                capacity=obj.capacity,
                homeroom_teacher=obj.homeroom_teacher,
            )
        obj.pk = saved.pk


# --- Academic structure, years and calendars (reference data kept by the ministry) -----------


class CalendarEventInline(admin.TabularInline):
    model = CalendarEvent
    fields = ("name", "start_date", "end_date", "suspends_classes")
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ("__str__", "school_year", "school", "start_date", "end_date")
    list_filter = ("school_year",)
    list_select_related = ("school",)
    autocomplete_fields = ("school",)
    inlines = (CalendarEventInline,)


@admin.register(SchoolYear)
class SchoolYearAdmin(admin.ModelAdmin):
    list_display = ("year", "is_current")


class ScaleConceptInline(admin.TabularInline):
    model = ScaleConcept
    fields = ("position", "code", "label", "passes")
    extra = 0


@admin.register(GradingScale)
class GradingScaleAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "min_value", "max_value", "passing_value", "precision")
    inlines = (ScaleConceptInline,)


@admin.register(Grade)
class GradeAdmin(admin.ModelAdmin):
    list_display = ("position", "code", "name", "level", "cycle", "track", "intended_age")
    list_select_related = ("level", "cycle")
    ordering = ("position",)


class SubjectInline(admin.TabularInline):
    model = Subject
    fields = ("position", "code", "name")
    extra = 0


class GradingPeriodInline(admin.TabularInline):
    model = GradingPeriod
    fields = ("number", "name", "start_date", "end_date")
    extra = 0


@admin.register(StudyPlan)
class StudyPlanAdmin(admin.ModelAdmin):
    list_display = ("name", "school_year", "grade", "modality", "scale")
    list_filter = ("school_year", "modality", "grade__level")
    list_select_related = ("grade", "modality", "scale")
    inlines = (SubjectInline, GradingPeriodInline)


admin.site.register(Level)
admin.site.register(Cycle)
admin.site.register(Modality)


@admin.register(SchoolInfrastructure)
class SchoolInfrastructureAdmin(admin.ModelAdmin):
    list_display = ("school", "classrooms", "has_water", "has_electricity", "has_internet")
    list_filter = ("has_water", "has_electricity", "has_internet", "is_accessible", "condition")
    autocomplete_fields = ("school",)
