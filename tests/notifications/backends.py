"""Email backends for the tests: only what leaves the machine is faked."""

import smtplib
import uuid

from anymail.backends.test import EmailBackend as AnymailTestBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class DisconnectingBackend(LocmemBackend):
    """An SMTP server that drops the connection on every send."""

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


class UnreachableBackend(LocmemBackend):
    """An SMTP server that cannot even be reached."""

    opened = 0

    def open(self):
        type(self).opened += 1
        raise ConnectionRefusedError(111, "Connection refused")


class EspBackend(AnymailTestBackend):
    """anymail's test ESP, answering with realistic (unique, non-zero) message ids."""

    def get_esp_message_id(self, message):
        return f"esp-{uuid.uuid4()}"
