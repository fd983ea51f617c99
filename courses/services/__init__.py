"""Course write paths, one module per part of the app (see courses/README.md):

- `courses`: a course's life (create, update, delete, submit, approve, request changes, archive, notify);
- `versions`: restoring an approved version into its course;
- `revisions`: revising a live course through a draft copy, applied on approval;
- `structure`: sections, lessons and quiz questions, re-ordering;
- `certificate_templates`: templates under the lock rules, editable copies;
- `moderation`: hiding/restoring a lesson (community's moderation calls these);
- `translations`: a course's translations, one language at a time;
- `prices`: a course's explicit prices in other currencies.

Every function is keyword-only and atomic.  Bad input raises `ValidationError`, an illegal transition
`courseworx.core.exceptions.ConflictError` (nothing is changed); acting without the right raises
`PermissionDenied`.  Reads (snapshots and diffs of versions, free slugs) are in `courses.selectors`.

The public functions are re-exported here: `from courses import services; services.course_submit(...)`.
Private helpers (`_name`) stay inside this package.
"""

from .certificate_templates import certificate_template_copy, certificate_template_save
from .courses import (
    TRANSITIONS,
    approval_request_notify,
    course_approve,
    course_archive,
    course_categories_set,
    course_check,
    course_create,
    course_delete,
    course_request_changes,
    course_submit,
    course_update,
)
from .moderation import content_moderation_hide, content_moderation_restore
from .outline import content_delete, content_move, outline_move, outline_reorder, section_delete
from .prices import course_prices_set
from .revisions import course_revision_start
from .structure import (
    content_create,
    content_reorder,
    content_update,
    question_create,
    question_delete,
    question_reorder,
    question_update,
    section_create,
    section_reorder,
    section_update,
)
from .translations import translation_save
from .versions import course_version_restore

__all__ = [
    "course_prices_set",
    "TRANSITIONS",
    "approval_request_notify",
    "certificate_template_copy",
    "certificate_template_save",
    "content_create",
    "content_delete",
    "content_moderation_hide",
    "content_moderation_restore",
    "content_move",
    "content_reorder",
    "content_update",
    "course_approve",
    "course_archive",
    "course_categories_set",
    "course_check",
    "course_create",
    "course_delete",
    "course_request_changes",
    "course_revision_start",
    "course_submit",
    "course_update",
    "course_version_restore",
    "outline_move",
    "outline_reorder",
    "question_create",
    "question_delete",
    "question_reorder",
    "question_update",
    "section_create",
    "section_delete",
    "section_reorder",
    "section_update",
    "translation_save",
]
