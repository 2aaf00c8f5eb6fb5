"""Labels of the titles module's codes, for rows read as named tuples."""

from django import template

from modules.documents.choices import RequestKind, RequestStatus

register = template.Library()


@register.filter
def title_kind(value: str) -> str:
    return str(RequestKind(value).label) if value in RequestKind.values else value


@register.filter
def title_request_status(value: str) -> str:
    return str(RequestStatus(value).label) if value in RequestStatus.values else value
