"""``{% diagram_url object_type object_id as url %}``: the page drawing a record's path on its
lifecycle, for viewers who may open diagrams; empty otherwise (a small link, not a panel)."""

from typing import Any

from django import template
from django.urls import reverse

from core.diagrams import can_view_diagrams, diagram_for_object_type

register = template.Library()


@register.simple_tag(takes_context=True)
def diagram_url(context: dict[str, Any], object_type: str, object_id: Any) -> str:
    user = context.get("user")
    definition = diagram_for_object_type(object_type) if object_id else None
    if definition is None or not can_view_diagrams(user):
        return ""
    return reverse("diagrams:instance", args=[definition.slug, object_id])
