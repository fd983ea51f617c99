"""E-mail backends that fail, to prove that sending never breaks the request that notified."""

from django.core.mail.backends.base import BaseEmailBackend


class ExplodingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise RuntimeError("the mail server is on fire")


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("connection refused")
