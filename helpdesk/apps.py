from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelpdeskConfig(AppConfig):
    name = "helpdesk"
    verbose_name = _("Mesa de ayuda")

    def ready(self) -> None:
        from anymail.signals import inbound

        from .audit_labels import register as register_audit_labels
        from .inbound import on_anymail_inbound

        # Replies by email and mail to queue addresses (helpdesk/inbound.py).
        inbound.connect(on_anymail_inbound, dispatch_uid="helpdesk.anymail_inbound")
        # Spanish names of the help desk's audit codes; case numbers find their history.
        register_audit_labels()
