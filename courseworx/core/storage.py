"""Private uploads: a storage with no public URL and random stored names.

Ticket attachments, assignment submissions, lesson files, certificates, receipts and exports live under
settings.PRIVATE_MEDIA_ROOT (never under MEDIA_ROOT, which the proxy serves to anyone).  They are
served only by views that check permission first and stream the file with `field.open("rb")`.
`.url` on such a file raises, so a template that still links one fails loudly instead of leaking it.

Fields declare `storage=private_storage` (a callable, so migrations do not depend on settings) and
`upload_to=RandomFileName("prefix")`, which stores `prefix/%Y/%m/<uuid4 hex><.ext>`: the original
filename (often personal, e.g. bank-statement.pdf) never appears in the stored path.
"""

import logging
import os
import posixpath
import shutil
import uuid

from django import forms
from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import transaction
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.text import slugify

PRIVATE_URL_ERROR = "Private files are served by permission-checked views"

logger = logging.getLogger(__name__)


@deconstructible(path="courseworx.core.storage.PrivateStorage")
class PrivateStorage(FileSystemStorage):
    """A FileSystemStorage rooted at settings.PRIVATE_MEDIA_ROOT, without URLs."""

    @cached_property
    def base_location(self):
        return self._value_or_setting(self._location, settings.PRIVATE_MEDIA_ROOT)

    def _clear_cached_properties(self, setting, **kwargs):
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    def url(self, name):
        raise ValueError(PRIVATE_URL_ERROR)


def private_storage():
    """The private storage (settings.STORAGES["private"]); fields take this callable, not an instance."""
    return storages["private"]


def is_private(file) -> bool:
    """Whether a FieldFile is kept in the private storage."""
    return isinstance(getattr(file, "storage", None), PrivateStorage)


@deconstructible(path="courseworx.core.storage.RandomFileName")
class RandomFileName:
    """upload_to: `prefix/%Y/%m/<uuid4 hex><original extension, lower-cased>`."""

    def __init__(self, prefix: str):
        self.prefix = prefix.strip("/")

    def __call__(self, instance, filename: str) -> str:
        ext = posixpath.splitext(posixpath.basename(str(filename).replace("\\", "/")))[1].lower()
        if not ext[1:].isalnum() or len(ext) > 11:
            ext = ""
        now = timezone.now()
        return f"{self.prefix}/{now:%Y}/{now:%m}/{uuid.uuid4().hex}{ext}"

    def __eq__(self, other) -> bool:
        return isinstance(other, RandomFileName) and other.prefix == self.prefix

    def __hash__(self) -> int:
        return hash(("RandomFileName", self.prefix))


def extension(name: str) -> str:
    """The stored file's extension, lower-cased, with its dot ("" when none)."""
    return posixpath.splitext(posixpath.basename(name or ""))[1].lower()


def download_name(title: str, stored_name: str, default: str = "file") -> str:
    """A readable filename for Content-Disposition: the object's title, slugified, plus the extension."""
    return f"{slugify(title)[:80] or default}{extension(stored_name)}"


class PrivateFileInput(forms.ClearableFileInput):
    """A file input that shows the current private file's name (never its `.url`), optionally linked.

    `link` is a callable taking the bound FieldFile and returning a permission-checked URL (or "").
    """

    template_name = "core/widgets/private_file_input.html"

    def __init__(self, attrs=None, link=None):
        super().__init__(attrs)
        self.link = link

    def is_initial(self, value):
        return bool(value and getattr(value, "name", ""))

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        href = ""
        if self.is_initial(value) and self.link is not None:
            instance = getattr(value, "instance", None)
            href = self.link(instance) if instance is not None and instance.pk else ""
        context["widget"]["private_href"] = href
        context["widget"]["private_name"] = posixpath.basename(value.name) if self.is_initial(value) else ""
        return context


def private_file_display(file, href: str = "") -> str:
    """Read-only admin display of a private file: its stored name, linked to a checked view if given."""
    if not file:
        return "-"
    name = posixpath.basename(file.name)
    return format_html('<a href="{}">{}</a>', href, name) if href else name


def file_delete_on_commit(*files) -> int:
    """Delete the stored files of these FieldFiles once the current transaction commits.

    Services that delete or anonymise rows call this instead of `FieldFile.delete()`: if the
    transaction rolls back, the rows still point at their files, so the files must still be there.
    Empty fields are skipped; a file already gone, or a storage error, is logged, never raised (the
    rows are committed by then).  Returns how many deletions were scheduled.
    """
    targets = [(f.storage, f.name) for f in files if f and getattr(f, "name", "")]

    def delete() -> None:
        for storage, name in targets:
            try:
                storage.delete(name)
            except Exception:  # the rows are committed: log it and go on with the others
                logger.exception("Could not delete the stored file %s", name)

    if targets:
        transaction.on_commit(delete)
    return len(targets)


def move_files_to_private(*fields: tuple[str, str, str]):
    """A RunPython pair for migrations: move existing rows' files from MEDIA_ROOT to PRIVATE_MEDIA_ROOT.

    `fields` are (app_label, model_name, field_name).  Stored names are kept (old rows keep working;
    only new uploads get random names).  A file already moved, or missing, is skipped.
    """

    def _move(apps, source_root, target_root):
        source_root, target_root = os.path.abspath(source_root), os.path.abspath(target_root)
        if source_root == target_root:
            return
        for app_label, model_name, field_name in fields:
            model = apps.get_model(app_label, model_name)
            names = model._default_manager.exclude(**{field_name: ""}).values_list(field_name, flat=True)
            for name in names.iterator():
                if not name:
                    continue
                source = os.path.abspath(os.path.join(source_root, name))
                target = os.path.abspath(os.path.join(target_root, name))
                if not source.startswith(source_root + os.sep) or not target.startswith(target_root + os.sep):
                    continue  # never follow a stored name outside its root
                if os.path.isfile(source) and not os.path.exists(target):
                    os.makedirs(os.path.dirname(target), exist_ok=True)
                    shutil.move(source, target)

    def forwards(apps, schema_editor):
        _move(apps, settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT)

    def backwards(apps, schema_editor):
        _move(apps, settings.PRIVATE_MEDIA_ROOT, settings.MEDIA_ROOT)

    return forwards, backwards
