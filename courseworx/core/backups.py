"""Backups and restores of the database and both media roots (`manage.py backup` / `manage.py restore`, the
nightly task `core.backup_run`).

A backup is one folder `BACKUP_DIR/courseworx-<UTC time>-<random>/` holding:

- `database.dump`: `pg_dump --format=custom` of the database (PostgreSQL), or `database.sqlite3`: a copy made
  with SQLite's online backup API (SQLite);
- `media.tar.gz` (`MEDIA_ROOT`) and `private_media.tar.gz` (`PRIVATE_MEDIA_ROOT`);
- `manifest.json`: format version, time, database engine, the BackupLog row's id, and each file's size and
  SHA-256 (a restore refuses a folder whose files do not match).

Each run writes a `BackupLog` row (kind, trigger, start, end, size, path, outcome, error).  After a successful
backup, `backup_prune()` applies the retention (`BACKUP_KEEP` newest, `BACKUP_KEEP_DAYS`); the newest backup is
never deleted.  A restore refuses a database that already holds user accounts unless `force=True`; it replaces
the database's contents and extracts the files over both media roots.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import traceback
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, connections
from django.utils import timezone

from .models import BackupLog

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
NAME_RE = re.compile(r"^courseworx-\d{8}T\d{6}Z-[0-9a-f]{6}$")
PG_DUMP = "database.dump"
SQLITE_COPY = "database.sqlite3"
MEDIA_ARCHIVES = {"media.tar.gz": "MEDIA_ROOT", "private_media.tar.gz": "PRIVATE_MEDIA_ROOT"}


class BackupError(Exception):
    """A backup or restore that cannot be done (its message says why)."""


def backup_dir() -> Path:
    return Path(settings.BACKUP_DIR)


def database_engine() -> str:
    engine = connection.settings_dict["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite" in engine:
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


def _pg_env() -> dict[str, str]:
    """libpq's variables for the default database (no password on a command line)."""
    db = connection.settings_dict
    env = dict(os.environ)
    pairs = {"PGHOST": db.get("HOST"), "PGPORT": db.get("PORT"), "PGUSER": db.get("USER"),
             "PGPASSWORD": db.get("PASSWORD"), "PGDATABASE": db.get("NAME")}  # fmt: skip
    sslmode = (db.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        pairs["PGSSLMODE"] = sslmode
    env.update({key: str(value) for key, value in pairs.items() if value})
    return env


def _run(args: list[str]) -> None:
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is not installed (the PostgreSQL client tools are needed).")
    result = subprocess.run(args, env=_pg_env(), capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{args[0]} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1024 * 1024), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dump_database(folder: Path, engine: str) -> str:
    if engine == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(folder / PG_DUMP)])
        return PG_DUMP
    if connection.in_atomic_block:
        # SQLite's backup API waits for ever on a database its own connection is writing to.
        raise BackupError("A SQLite backup cannot run inside a transaction.")
    connection.ensure_connection()
    target = sqlite3.connect(folder / SQLITE_COPY)
    try:
        connection.connection.backup(target)
    finally:
        target.close()
    return SQLITE_COPY


def _archive(root: Path, path: Path, exclude: Path) -> None:
    """`root`'s files as a gzipped tar (an empty archive when `root` does not exist); `exclude` left out."""
    exclude = exclude.resolve()

    def keep(info: tarfile.TarInfo) -> tarfile.TarInfo | None:
        full = (root / info.name).resolve()
        return None if full == exclude or exclude in full.parents else info

    with tarfile.open(path, "w:gz") as tar:
        if root.is_dir():
            for child in sorted(root.iterdir()):
                tar.add(child, arcname=child.name, filter=keep)


def _new_folder() -> Path:
    name = f"courseworx-{timezone.now():%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"
    folder = backup_dir() / name
    folder.mkdir(parents=True, exist_ok=False)
    return folder


def _finish(log: BackupLog, **fields: Any) -> BackupLog:
    for key, value in {"finished_at": timezone.now(), **fields}.items():
        setattr(log, key, value)
    log.save()
    return log


def backup_create(*, trigger: str = "command") -> BackupLog:
    """Back up the database and both media roots into a new folder of BACKUP_DIR; returns its BackupLog.

    Raises BackupError when it fails (after marking the row failed and removing the partial folder).
    """
    log = BackupLog.objects.create(kind=BackupLog.Kind.BACKUP, trigger=trigger, started_at=timezone.now())
    folder: Path | None = None
    try:
        engine = database_engine()
        log.database_engine = engine
        folder = _new_folder()
        names = [_dump_database(folder, engine)]
        for name, setting in MEDIA_ARCHIVES.items():
            _archive(Path(getattr(settings, setting)), folder / name, exclude=backup_dir())
            names.append(name)
        files = {name: {"size": (folder / name).stat().st_size, "sha256": _sha256(folder / name)} for name in names}
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": log.started_at.isoformat(),
            "engine": engine,
            "backup_log_id": log.pk,
            "files": files,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True))
        size = sum(f["size"] for f in files.values())
        _finish(log, size_bytes=size, path=str(folder), outcome=BackupLog.Outcome.SUCCEEDED)
    except Exception as exc:
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)
        _finish(log, outcome=BackupLog.Outcome.FAILED, error=_error_text(exc))
        if isinstance(exc, BackupError):
            raise
        raise BackupError(f"Backup failed: {exc}") from exc
    backup_prune()
    return log


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, BackupError):
        return str(exc)
    return "".join(traceback.format_exception(exc))[-5000:]


def backup_list() -> list[Path]:
    """The backup folders in BACKUP_DIR (with a manifest), newest first."""
    root = backup_dir()
    if not root.is_dir():
        return []
    found = [p for p in root.iterdir() if p.is_dir() and NAME_RE.match(p.name) and (p / MANIFEST).is_file()]
    return sorted(found, key=lambda p: p.name, reverse=True)


def backup_prune() -> list[str]:
    """Apply the retention: keep the BACKUP_KEEP newest backups, none older than BACKUP_KEEP_DAYS (0: no age
    limit); the newest is always kept.  Returns the names deleted."""
    keep = max(1, settings.BACKUP_KEEP)
    days = settings.BACKUP_KEEP_DAYS
    oldest = timezone.now() - timedelta(days=days) if days else None
    deleted = []
    for index, folder in enumerate(backup_list()):
        if index == 0:
            continue
        too_old = False
        if oldest is not None:
            stamp = datetime.strptime(folder.name.split("-")[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            too_old = stamp < oldest
        if index >= keep or too_old:
            shutil.rmtree(folder, ignore_errors=True)
            deleted.append(folder.name)
    return deleted


def resolve(source: str | Path) -> Path:
    """A backup folder from a path, or a name inside BACKUP_DIR, or "latest"."""
    if str(source) == "latest":
        found = backup_list()
        if not found:
            raise BackupError(f"No backup in {backup_dir()}.")
        return found[0]
    path = Path(source)
    if not path.is_dir() and (backup_dir() / str(source)).is_dir():
        path = backup_dir() / str(source)
    if not (path / MANIFEST).is_file():
        raise BackupError(f"{source} is not a backup folder (no {MANIFEST}).")
    return path


def backup_verify(folder: Path) -> dict[str, Any]:
    """The manifest, after checking every file's size and SHA-256; BackupError when one does not match."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"Unreadable manifest in {folder}: {exc}") from exc
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    for name, expected in manifest.get("files", {}).items():
        path = folder / name
        if Path(name).name != name or not path.is_file():
            raise BackupError(f"{name} is missing from {folder}.")
        if path.stat().st_size != expected["size"] or _sha256(path) != expected["sha256"]:
            raise BackupError(f"{name} does not match its checksum: the backup is damaged.")
    return manifest


def database_is_empty() -> bool:
    """No user accounts (a new, possibly migrated, database: data migrations' groups do not count)."""
    table = get_user_model()._meta.db_table
    if table not in connection.introspection.table_names():
        return True
    return not get_user_model().objects.exists()


def _restore_database(folder: Path, engine: str) -> None:
    connections.close_all()
    if engine == "postgresql":
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", "--dbname", connection.settings_dict["NAME"], str(folder / PG_DUMP)])  # fmt: skip
        return
    if connection.in_atomic_block:
        raise BackupError("A SQLite restore cannot run inside a transaction.")
    connection.ensure_connection()
    source = sqlite3.connect(folder / SQLITE_COPY)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _restore_files(folder: Path) -> None:
    for name, setting in MEDIA_ARCHIVES.items():
        root = Path(getattr(settings, setting))
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(folder / name, "r:gz") as tar:
            tar.extractall(root, filter="data")  # no absolute paths, no "..", no device files


def backup_restore(*, source: str | Path, force: bool = False, trigger: str = "command") -> BackupLog:
    """Restore a backup folder (checked against its manifest) into this database and the media roots.

    Refuses (BackupError) a database that holds user accounts unless `force`, and a backup made on another
    database engine.  Returns the restore's BackupLog row, written into the restored database.
    """
    started = timezone.now()
    folder = resolve(source)
    manifest = backup_verify(folder)
    engine = database_engine()
    if manifest["engine"] != engine:
        raise BackupError(f"This backup is of a {manifest['engine']} database; this site uses {engine}.")
    if not force and not database_is_empty():
        raise BackupError(
            "The database is not empty (it has user accounts). Restore into an empty database, or pass --force "
            "to replace its contents."
        )
    try:
        _restore_database(folder, engine)
        _restore_files(folder)
    except Exception as exc:
        connections.close_all()
        BackupLog.objects.create(kind=BackupLog.Kind.RESTORE, trigger=trigger, started_at=started,
                                 finished_at=timezone.now(), path=str(folder), database_engine=engine,
                                 outcome=BackupLog.Outcome.FAILED, error=_error_text(exc))  # fmt: skip
        if isinstance(exc, BackupError):
            raise
        raise BackupError(f"Restore failed: {exc}") from exc
    # The backup's own row was copied while it ran: record how it ended.
    size = sum(f["size"] for f in manifest["files"].values())
    BackupLog.objects.filter(pk=manifest.get("backup_log_id"), outcome=BackupLog.Outcome.RUNNING).update(
        outcome=BackupLog.Outcome.SUCCEEDED, size_bytes=size, path=str(folder), database_engine=engine
    )
    return BackupLog.objects.create(
        kind=BackupLog.Kind.RESTORE, trigger=trigger, started_at=started, finished_at=timezone.now(),
        path=str(folder), size_bytes=size, database_engine=engine, outcome=BackupLog.Outcome.SUCCEEDED,
    )  # fmt: skip
