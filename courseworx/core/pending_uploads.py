"""Uploads kept across a form's validation errors.

A browser never sends a file again: when a form with a file input is refused for another field (a
missing title, a bad quiz setting), the person would have to choose the file again, and usually does
not notice.  `KeepUploadsMixin` (for ModelForms) keeps such a file: a new upload that passed its own
field's checks is stored in the private storage as `pending-uploads/<random>.<ext>` and the re-rendered
form carries a signed token (a hidden input next to the file input, with "Kept: name.pdf").  When the
form comes back without a new file but with the token, the kept file is attached again as if it had
been uploaded now (so every check runs again on it).  A new upload always wins over a kept one.

The token is signed (`django.core.signing`, salted), names the user it was made for and expires after
`PENDING_UPLOAD_MAX_AGE` seconds, so nobody can attach another person's file or a file outside the
pending folder.  Kept files are deleted once the form's object is saved (on commit), and
`pending_uploads_purge` deletes those left behind by abandoned forms.
"""

import posixpath
import uuid
from datetime import timedelta

from django import forms
from django.core import signing
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import format_html

from .storage import extension, private_storage

PENDING_PREFIX = "pending-uploads"
PENDING_UPLOAD_MAX_AGE = 6 * 3600
_SALT = "courseworx.core.pending_uploads"


def pending_upload_store(*, upload, user) -> str:
    """Keep `upload` (an UploadedFile) for `user`; returns the token that brings it back."""
    storage = private_storage()
    original = posixpath.basename(str(upload.name).replace("\\", "/")) or "upload"
    if hasattr(upload, "seek"):
        upload.seek(0)
    stored = storage.save(f"{PENDING_PREFIX}/{uuid.uuid4().hex}{extension(original)}", upload)
    if hasattr(upload, "seek"):
        upload.seek(0)
    return signing.dumps({"n": stored, "o": original, "u": str(user.pk)}, salt=_SALT)


def _token_data(token: str, user) -> dict | None:
    try:
        data = signing.loads(token, salt=_SALT, max_age=PENDING_UPLOAD_MAX_AGE)
    except (signing.BadSignature, TypeError):
        return None
    name = str(data.get("n", ""))
    if data.get("u") != str(getattr(user, "pk", None)) or not name.startswith(f"{PENDING_PREFIX}/") or ".." in name:
        return None
    return data


def pending_upload_open(*, token: str, user) -> UploadedFile | None:
    """The kept file as a fresh upload, or None (bad, expired or someone else's token, file gone)."""
    data = _token_data(token, user)
    storage = private_storage()
    if data is None or not storage.exists(data["n"]):
        return None
    return UploadedFile(file=storage.open(data["n"], "rb"), name=data["o"], size=storage.size(data["n"]))


def pending_upload_name(*, token: str, user) -> str:
    data = _token_data(token, user)
    return data["o"] if data else ""


def pending_upload_discard(*, token: str, user) -> None:
    """Delete the kept file once the current transaction commits (it has been copied by then)."""
    data = _token_data(token, user)
    if data is None:
        return
    storage = private_storage()
    transaction.on_commit(lambda: storage.delete(data["n"]))


def pending_uploads_purge(*, older_than: timedelta = timedelta(seconds=PENDING_UPLOAD_MAX_AGE)) -> int:
    """Delete kept files older than `older_than` (their tokens have expired); returns how many."""
    storage = private_storage()
    if not storage.exists(PENDING_PREFIX):
        return 0
    limit = timezone.now() - older_than
    deleted = 0
    for name in storage.listdir(PENDING_PREFIX)[1]:
        path = f"{PENDING_PREFIX}/{name}"
        if storage.get_modified_time(path) < limit:
            storage.delete(path)
            deleted += 1
    return deleted


class KeptUploadInput(forms.Widget):
    """Wraps a file input: renders it, then the kept file's token (hidden) and name."""

    needs_multipart_form = True

    def __init__(self, inner: forms.Widget):
        super().__init__(inner.attrs)
        self.inner = inner
        self.kept_token = ""
        self.kept_name = ""

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.inner = self.inner.__deepcopy__(memo)
        return copy

    @property
    def media(self):
        return self.inner.media

    @property
    def is_hidden(self):
        return self.inner.is_hidden

    def id_for_label(self, id_):
        return self.inner.id_for_label(id_)

    def use_required_attribute(self, initial):
        return not self.kept_token and self.inner.use_required_attribute(initial)

    def value_from_datadict(self, data, files, name):
        return self.inner.value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        return self.inner.value_omitted_from_data(data, files, name)

    def render(self, name, value, attrs=None, renderer=None):
        html = self.inner.render(name, value, attrs, renderer)
        if not self.kept_token:
            return html
        return format_html(
            '<div class="kept-upload-box">{}<input type="hidden" name="{}" value="{}"><p class="kept-upload">'
            "Kept from your last try: <strong>{}</strong> (choose another file to replace it).</p></div>",
            html,
            kept_token_name(name),
            self.kept_token,
            self.kept_name,
        )


def kept_token_name(field_name: str) -> str:
    return f"{field_name}__kept"


class KeepUploadsMixin:
    """For forms with file fields: keep valid new uploads when the form is refused (see the module).

    Set `kept_upload_user` (the request's user) before validation; list the fields in `kept_upload_fields`.
    """

    kept_upload_fields: tuple[str, ...] = ()
    kept_upload_user = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._kept_tokens: dict[str, str] = {}
        for name in self.kept_upload_fields:
            if name in self.fields:
                self.fields[name].widget = KeptUploadInput(self.fields[name].widget)

    def _reattach_kept_uploads(self) -> None:
        if not self.is_bound or self.kept_upload_user is None:
            return
        for name in self.kept_upload_fields:
            key = self.add_prefix(name)
            token = self.data.get(kept_token_name(key), "")
            if name not in self.fields or not token or self.files.get(key):
                continue
            if self.data.get(f"{key}-clear"):
                continue  # the person cleared the field: drop the kept file too
            upload = pending_upload_open(token=token, user=self.kept_upload_user)
            if upload is not None:
                self.files = self.files.copy()
                self.files[key] = upload
                self._kept_tokens[name] = token

    def full_clean(self):
        self._reattach_kept_uploads()
        super().full_clean()
        if not self.is_bound or self.kept_upload_user is None or not self._errors:
            return
        for name in self.kept_upload_fields:
            upload = self.files.get(self.add_prefix(name))
            if name not in self.fields or not upload or name in self._errors:
                continue
            token = self._kept_tokens.get(name) or pending_upload_store(upload=upload, user=self.kept_upload_user)
            self._kept_tokens[name] = token
            widget = self.fields[name].widget
            widget.kept_token, widget.kept_name = token, posixpath.basename(str(upload.name))

    def kept_uploads_discard(self) -> None:
        """Call once the object is saved: the kept files have been copied to their place."""
        for token in self._kept_tokens.values():
            pending_upload_discard(token=token, user=self.kept_upload_user)
