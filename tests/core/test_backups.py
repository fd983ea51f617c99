"""Backups (courseworx/core/backups.py, `manage.py backup` / `restore`, the nightly task): a round trip into an
empty database finds the same rows and files; checksums, refusals, retention, the log and its admin."""

import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from accounts.models import User
from courseworx.core import backups
from courseworx.core.models import AuditLog, BackupLog
from tests.factories import StudentFactory
from tests.utils import skip_or_fail


@pytest.fixture
def backup_settings(settings, tmp_path):
    settings.BACKUP_DIR = tmp_path / "backups"
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    settings.BACKUP_KEEP = 7
    settings.BACKUP_KEEP_DAYS = 30
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        root.mkdir()
    return settings


def _needs_tools():
    if connection.vendor == "postgresql" and not (shutil.which("pg_dump") and shutil.which("pg_restore")):
        skip_or_fail("pg_dump/pg_restore are not installed: the PostgreSQL backup cannot run")


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def _round_trip(settings):
    _needs_tools()
    students = [StudentFactory() for _ in range(3)]
    AuditLog.objects.create(action="test.before_backup", target_repr="kept")
    (settings.MEDIA_ROOT / "avatars").mkdir()
    (settings.MEDIA_ROOT / "avatars" / "a.png").write_bytes(b"\x89PNG public")
    (settings.PRIVATE_MEDIA_ROOT / "certificates").mkdir()
    (settings.PRIVATE_MEDIA_ROOT / "certificates" / "c.pdf").write_bytes(b"%PDF private")
    emails = set(User.objects.values_list("email", flat=True))
    audit = list(AuditLog.objects.values_list("action", "target_repr"))
    media, private = _files(settings.MEDIA_ROOT), _files(settings.PRIVATE_MEDIA_ROOT)

    call_command("backup")
    log = BackupLog.objects.get(kind=BackupLog.Kind.BACKUP)
    assert log.outcome == BackupLog.Outcome.SUCCEEDED
    assert log.size_bytes > 0
    folder = Path(log.path)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert set(manifest["files"]) == {
        "database.dump" if connection.vendor == "postgresql" else "database.sqlite3",
        "media.tar.gz",
        "private_media.tar.gz",
    }

    # An empty database and empty media roots.
    call_command("flush", interactive=False, verbosity=0)
    for root in (settings.MEDIA_ROOT, settings.PRIVATE_MEDIA_ROOT):
        shutil.rmtree(root)
    assert not User.objects.exists()

    call_command("restore", str(folder))
    assert set(User.objects.values_list("email", flat=True)) == emails
    assert {s.pk for s in students} <= set(User.objects.values_list("pk", flat=True))
    assert list(AuditLog.objects.values_list("action", "target_repr")) == audit
    assert _files(settings.MEDIA_ROOT) == media
    assert _files(settings.PRIVATE_MEDIA_ROOT) == private
    # Both runs are in the log: the backup's row (copied while it ran) now says how it ended.
    restored_backup = BackupLog.objects.get(kind=BackupLog.Kind.BACKUP)
    assert restored_backup.outcome == BackupLog.Outcome.SUCCEEDED
    assert BackupLog.objects.get(kind=BackupLog.Kind.RESTORE).outcome == BackupLog.Outcome.SUCCEEDED

    # Now the database is not empty: refused without --force, done with it.
    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", "latest")
    StudentFactory(email="after@example.com")
    call_command("restore", "latest", "--force")
    assert not User.objects.filter(email="after@example.com").exists()
    assert set(User.objects.values_list("email", flat=True)) == emails


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_finds_the_same_rows_and_files(backup_settings):
    """On the suite's database: SQLite by default (the backup API), PostgreSQL when DATABASE_URL says so."""
    _round_trip(backup_settings)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_postgresql_round_trip_with_pg_dump_and_pg_restore(backup_settings):
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL: run with DATABASE_URL=postgres://... (this suite's database is SQLite, whose "
            "round trip is the test above)"
        )
    _round_trip(backup_settings)


@pytest.mark.django_db(transaction=True)  # SQLite's backup API cannot read a database mid-transaction
def test_a_damaged_backup_is_refused(backup_settings):
    _needs_tools()
    log = backups.backup_create()
    folder = Path(log.path)
    with (folder / "media.tar.gz").open("ab") as f:
        f.write(b"tampered")
    with pytest.raises(backups.BackupError, match="checksum"):
        backups.backup_restore(source=folder)
    with pytest.raises(backups.BackupError, match="not a backup folder"):
        backups.backup_restore(source=backup_settings.BACKUP_DIR / "nope")


@pytest.mark.django_db(transaction=True)  # SQLite's backup API cannot read a database mid-transaction
def test_a_backup_of_another_engine_is_refused(backup_settings):
    if connection.vendor != "sqlite":
        pytest.skip("uses the SQLite backup path")
    log = backups.backup_create()
    manifest_path = Path(log.path) / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["engine"] = "postgresql"
    manifest_path.write_text(json.dumps(manifest))
    with pytest.raises(backups.BackupError, match="postgresql"):
        backups.backup_restore(source=log.path, force=True)


@pytest.mark.django_db
def test_a_failed_backup_is_logged_and_leaves_no_folder(backup_settings, monkeypatch):
    def broken(folder, engine):
        raise backups.BackupError("pg_dump failed (1): connection refused")

    monkeypatch.setattr(backups, "_dump_database", broken)
    with pytest.raises(CommandError, match="connection refused"):
        call_command("backup")
    log = BackupLog.objects.get()
    assert log.outcome == BackupLog.Outcome.FAILED
    assert "connection refused" in log.error
    assert log.finished_at is not None
    assert not any(backup_settings.BACKUP_DIR.iterdir())


def _fake_backup(root: Path, stamp: str) -> Path:
    folder = root / f"courseworx-{stamp}-abcdef"
    folder.mkdir(parents=True)
    (folder / "manifest.json").write_text("{}")
    return folder


@pytest.mark.django_db
def test_retention_keeps_the_newest_n_and_drops_old_ones(backup_settings, settings):
    root = settings.BACKUP_DIR
    settings.BACKUP_KEEP = 3
    settings.BACKUP_KEEP_DAYS = 0
    names = [_fake_backup(root, f"2026010{d}T010000Z").name for d in range(1, 7)]
    other = root / "my-notes"
    other.mkdir()
    deleted = backups.backup_prune()
    assert sorted(deleted) == names[:3]
    assert sorted(p.name for p in backups.backup_list()) == names[3:]
    assert other.is_dir()  # only our folders are touched

    # By age: everything older than BACKUP_KEEP_DAYS, but never the newest.
    settings.BACKUP_KEEP_DAYS = 1
    assert sorted(backups.backup_prune()) == names[3:5]
    assert [p.name for p in backups.backup_list()] == [names[5]]


@pytest.mark.django_db(transaction=True)  # SQLite's backup API cannot read a database mid-transaction
def test_a_backup_prunes_after_success(backup_settings, settings):
    _needs_tools()
    settings.BACKUP_KEEP = 1
    old = _fake_backup(settings.BACKUP_DIR, "20200101T000000Z")
    log = backups.backup_create()
    assert not old.exists()
    assert Path(log.path).is_dir()


@pytest.mark.django_db(transaction=True)  # SQLite's backup API cannot read a database mid-transaction
def test_the_nightly_task_backs_up(backup_settings):
    _needs_tools()
    from courseworx.core.tasks import backup_run  # noqa: PLC0415 — the task module, as beat runs it

    assert "core-backup-nightly" in django_settings.CELERY_BEAT_SCHEDULE
    log_id = backup_run.delay().get()
    log = BackupLog.objects.get(pk=log_id)
    assert (log.kind, log.trigger, log.outcome) == ("backup", "schedule", "succeeded")


@pytest.mark.django_db
def test_backup_log_admin_is_read_only(client, admin_user):
    log = BackupLog.objects.create(kind="backup", started_at="2026-01-01T00:00:00Z", outcome="succeeded")
    client.force_login(admin_user)
    assert client.get("/admin/core/backuplog/").status_code == 200
    assert client.get(f"/admin/core/backuplog/{log.pk}/change/").status_code == 200
    assert client.get("/admin/core/backuplog/add/").status_code == 403
    response = client.post(f"/admin/core/backuplog/{log.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    assert BackupLog.objects.filter(pk=log.pk).exists()
