"""Static files: which installed apps contribute files to ``collectstatic``.

viewflow ships 49 MB of front-end assets for its own Material UI (fonts, icon sets, vis-network),
and its Roboto stylesheet points at font files the package does not include. SIGES draws every
page with its own templates and never serves viewflow's views or assets, so its static files are
left out entirely: the manifest storage of production (which must be able to rewrite every
reference in every stylesheet it collects) then never sees the broken references, and a deploy
does not copy and compress files nobody requests. Leaving out a whole app keeps the manifest
storage strict for everything we do serve: a missing file in our own CSS still fails the deploy.

Serving a viewflow viewset (its own Material pages) would need its static files back: remove
"viewflow" from ``SIGES_STATIC_EXCLUDED_APPS`` and deal with the missing Roboto fonts then
(`make deploy-check` fails until that is done, which is the point).
"""

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import AppDirectoriesFinder


def excluded_static_apps() -> frozenset[str]:
    return frozenset(getattr(settings, "SIGES_STATIC_EXCLUDED_APPS", ()))


class ServedAppDirectoriesFinder(AppDirectoriesFinder):
    """``AppDirectoriesFinder`` without the apps in ``SIGES_STATIC_EXCLUDED_APPS``."""

    def __init__(self, app_names: list[str] | None = None, *args: object, **kwargs: object):
        excluded = excluded_static_apps()
        if app_names is None:
            app_names = [config.name for config in apps.get_app_configs()]
        super().__init__([name for name in app_names if name not in excluded], *args, **kwargs)
