"""Course revision participants: how apps above courses take part in revising a live course.

A revision (`Course.revision_of`, see `courses.services.revisions`) is a draft copy of a published
course.  Courses copies, snapshots, diffs and applies its own rows (sections, lessons, questions);
apps above it that hang rows on a course (learning's assignments) take part through this registry,
so that courses never imports them.  An app registers one participant per kind of row, from its
`AppConfig.ready()`:

    from courses.revisions import register_revision_participant
    register_revision_participant(AssignmentRevisions())

A participant is the object below (subclass it and fill in what applies).  `kind` names its rows in
snapshots, diffs and item keys (`("assignment", id)`).  Every method runs inside the caller's
transaction, with the live course's row (and the revision's) locked.
"""

from collections.abc import Iterable
from typing import Any


class RevisionParticipant:
    kind: str = ""  # e.g. "assignment"
    verbose_name: str = ""  # e.g. "assignment" (shown in the reviewer's diff)
    title_field: str = "title"

    def snapshot(self, *, course) -> list[dict[str, Any]]:
        """This kind's rows of `course` as JSON-ready dicts, each with an "id" (str) and its fields."""
        return []

    def clone(self, *, source, revision) -> dict[str, str]:
        """Copy this kind's rows of the live course `source` onto `revision`: {copy id: origin id}."""
        return {}

    def apply(self, *, revision, live, origins: dict[str, str]) -> None:
        """Make the live course's rows of this kind what the revision's are.

        `origins` maps the revision's row ids to the live rows they were copied from; a revision row
        without an origin is new.  Live rows no revision row comes from were removed by the author:
        delete them, or keep them hidden when learners' data hangs on them.  Called before the
        revision's own rows are deleted (with the revision).
        """

    def contents_in_use(self, *, content_ids: Iterable) -> set:
        """Of these lessons, the ids of those learners' data hangs on (progress, attempts, notes...).

        A lesson a revision removes is then kept, unpublished, rather than deleted.
        """
        return set()


_participants: dict[str, RevisionParticipant] = {}


def register_revision_participant(participant: RevisionParticipant) -> None:
    """Register (or replace, e.g. on a second `ready()`) the participant of `participant.kind`."""
    _participants[participant.kind] = participant


def revision_participants() -> list[RevisionParticipant]:
    """The registered participants, in kind order (stable snapshots and diffs)."""
    return [_participants[kind] for kind in sorted(_participants)]
