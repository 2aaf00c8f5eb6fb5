"""viewflow's own viewsets and views are never mounted: every page of a process is SIGES's."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, path
from viewflow.workflow.flow.views import UpdateProcessView


def _view_modules(callback) -> set[str]:
    """The modules a URL's view comes from: the function, the class it was built from
    (``as_view``), and whatever it wraps (decorators)."""
    found = set()
    seen = set()
    current = callback
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        found.add(getattr(current, "__module__", "") or "")
        for attribute in ("view_class", "cls"):
            owner = getattr(current, attribute, None)
            if owner is not None:
                found.add(owner.__module__)
        current = getattr(current, "__wrapped__", None)
    return found


def viewflow_urls(patterns, prefix: str = "") -> list[str]:
    """Every route in ``patterns`` (recursively) whose view or URLconf comes from viewflow."""
    offending = []
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            module = getattr(entry.urlconf_module, "__name__", "") or ""
            if module.startswith("viewflow"):
                offending.append(route)
            offending += viewflow_urls(entry.url_patterns, route)
        elif isinstance(entry, URLPattern) and any(
            module.startswith("viewflow") for module in _view_modules(entry.callback)
        ):
            offending.append(route)
    return offending


def test_the_walk_finds_a_mounted_viewflow_view():
    # A deliberate mistake, to show the check would catch it.
    patterns = [path("procesos/editar/", UpdateProcessView.as_view(fields=[]))]

    assert viewflow_urls(patterns) == ["procesos/editar/"]


@pytest.mark.parametrize("urlconf", ["core.urls", "tests.workflowapp.urls"])
def test_no_url_serves_a_viewflow_view(urlconf):
    resolver = get_resolver(urlconf)

    assert len(resolver.url_patterns) > 10  # the walk really looked at the project
    assert viewflow_urls(resolver.url_patterns) == []
