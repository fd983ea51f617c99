"""Production static files: `collectstatic` with the manifest storage succeeds (issue 12, defect 1).

With DEBUG off, settings use WhiteNoise's CompressedManifestStaticFilesStorage.  Its manifest step
(Django's ManifestStaticFilesStorage) rewrites every `url()`, `@import` and `sourceMappingURL` to the
hashed name and fails on a reference to a file that does not exist, which made every page a 500.
The compression step adds nothing that can fail that way and is slow, so the test collects with the
manifest storage only (tests/core/test_settings.py checks production selects WhiteNoise's subclass of it);
`make prod-smoke` runs the real thing.
"""

import importlib.util
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

BASE_DIR = Path(settings.BASE_DIR)
STATIC_SOURCES = BASE_DIR / "courseworx" / "static"
VENDOR = STATIC_SOURCES / "vendor"
SOURCE_MAP = re.compile(r"[#@]\s*sourceMappingURL=([^\s*'\"]+)")


def load_vendor_script():
    spec = importlib.util.spec_from_file_location("vendor_static", BASE_DIR / "deploy" / "vendor_static.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_collectstatic_with_the_manifest_storage_succeeds(tmp_path):
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        # Raises ValueError ("The file '...map' could not be found") on any dangling reference.
        call_command("collectstatic", "--noinput", verbosity=0)
    manifest = json.loads((tmp_path / "staticfiles.json").read_text())["paths"]
    for name in (
        "vendor/bootstrap/bootstrap.min.css",
        "vendor/bootstrap/bootstrap.bundle.min.js",
        "vendor/chartjs/chart.umd.min.js",
        "vendor/htmx/htmx.min.js",
        "vendor/sortablejs/Sortable.min.js",
        "css/courseworx.css",
    ):
        assert name in manifest, name
        assert (tmp_path / manifest[name]).is_file()
    # The hashed bundle points at the hashed map, which was collected.
    hashed_js = (tmp_path / manifest["vendor/chartjs/chart.umd.min.js"]).read_text()
    assert f"sourceMappingURL={Path(manifest['vendor/chartjs/chart.umd.min.js.map']).name}" in hashed_js


def our_static_files():
    return sorted(p for p in STATIC_SOURCES.rglob("*") if p.suffix in {".js", ".css"})


@pytest.mark.parametrize("path", our_static_files(), ids=lambda p: str(p.relative_to(STATIC_SOURCES)))
def test_every_source_map_a_file_names_is_shipped(path):
    for name in SOURCE_MAP.findall(path.read_text(encoding="utf-8", errors="replace")):
        if not name.startswith("data:"):
            assert (path.parent / name).is_file(), f"{path.relative_to(BASE_DIR)} names {name}, which is missing"


def test_the_vendoring_script_lists_every_vendored_file():
    # Every file under static/vendor/ comes from a package the script re-vendors (README.md says how).
    script = load_vendor_script()
    listed = {target for files in script.PACKAGES.values() for target in files.values()}
    maps = {
        str(Path(target).parent / name)
        for target in listed
        if Path(target).suffix in {".js", ".css"}
        for name in script.source_maps((VENDOR / target).read_bytes())
    }
    present = {str(p.relative_to(VENDOR)) for p in VENDOR.rglob("*") if p.is_file()} - {"README.md"}
    assert present == listed | maps
    readme = (VENDOR / "README.md").read_text()
    for spec in script.PACKAGES:
        name, version = spec.rsplit("@", 1)
        assert re.search(rf"\|\s*{re.escape(name)}\s*\|\s*{re.escape(version)}\s*\|", readme), spec
