from django.apps import AppConfig


class WorkflowAppConfig(AppConfig):
    """Test-only models and flows for ``core.workflow`` (installed by core/settings/test.py)."""

    name = "tests.workflowapp"
    label = "workflowapp"
    default_auto_field = "django.db.models.BigAutoField"
