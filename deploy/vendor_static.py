#!/usr/bin/env python3
"""Re-vendor the front-end libraries under courseworx/static/vendor/ from the npm registry.

    python deploy/vendor_static.py           # download (npm pack) and copy the files listed below
    python deploy/vendor_static.py --check   # download and compare: exit 1 when a vendored file differs

The rule (see courseworx/static/vendor/README.md): every vendored file is the package's file, byte for
byte, and a file that names a source map (`sourceMappingURL=...`) is shipped together with that map from
the same package.  So `collectstatic` with the manifest storage finds every file it must rewrite, and
browsers' developer tools find the maps.  Nothing here runs at deploy time: the files are committed.

Needs `npm` (Debian: apt-get install npm) and the npm registry; no Django, no virtualenv.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "courseworx" / "static" / "vendor"

# package spec -> {path inside the package: path under VENDOR}.  Maps are added by the rule, not listed.
PACKAGES = {
    "bootstrap@5.3.9": {
        "LICENSE": "bootstrap/LICENSE",
        "dist/css/bootstrap.min.css": "bootstrap/bootstrap.min.css",
        "dist/css/bootstrap.rtl.min.css": "bootstrap/bootstrap.rtl.min.css",
        "dist/js/bootstrap.bundle.min.js": "bootstrap/bootstrap.bundle.min.js",
    },
    "bootstrap-icons@1.13.2": {
        "LICENSE": "bootstrap-icons/LICENSE",
        "font/bootstrap-icons.min.css": "bootstrap-icons/bootstrap-icons.min.css",
        "font/fonts/bootstrap-icons.woff": "bootstrap-icons/fonts/bootstrap-icons.woff",
        "font/fonts/bootstrap-icons.woff2": "bootstrap-icons/fonts/bootstrap-icons.woff2",
    },
    "htmx.org@2.0.11": {
        "LICENSE": "htmx/LICENSE",
        "dist/htmx.min.js": "htmx/htmx.min.js",
    },
    "chart.js@4.6.1": {
        "LICENSE.md": "chartjs/LICENSE.md",
        "dist/chart.umd.min.js": "chartjs/chart.umd.min.js",
    },
    "sortablejs@1.15.7": {
        "LICENSE": "sortablejs/LICENSE",
        "Sortable.min.js": "sortablejs/Sortable.min.js",
    },
}

# The comment bundlers append: `//# sourceMappingURL=x.map` (JS) or `/*# sourceMappingURL=x.map */` (CSS).
SOURCE_MAP = re.compile(rb"[#@]\s*sourceMappingURL=([^\s*'\"]+)")


def source_maps(content: bytes) -> list[str]:
    """Relative source-map paths a JS/CSS file names (inline `data:` maps need no file)."""
    return [m.decode() for m in SOURCE_MAP.findall(content) if not m.startswith(b"data:")]


def npm_pack(spec: str, workdir: Path) -> Path:
    """`npm pack SPEC` into WORKDIR and extract it; returns the package root (the tarball's `package/`)."""
    result = subprocess.run(  # noqa: S603 (a fixed command; SPEC comes from PACKAGES)
        ["npm", "pack", "--silent", "--pack-destination", str(workdir), spec],  # noqa: S607 (npm from PATH)
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"npm pack {spec} failed:\n{result.stderr}")
    tarball = workdir / result.stdout.strip().splitlines()[-1]
    target = workdir / tarball.name.removesuffix(".tgz")
    with tarfile.open(tarball) as archive:
        archive.extractall(target, filter="data")
    return target / "package"


def planned_files(package_root: Path, files: dict[str, str]) -> dict[str, Path]:
    """{path under VENDOR: source file}, with the source maps the listed files name."""
    plan: dict[str, Path] = {}
    for source_name, target_name in files.items():
        source = package_root / source_name
        if not source.is_file():
            raise SystemExit(f"{source_name} is not in the package ({package_root.parent.name})")
        plan[target_name] = source
        if source.suffix in {".js", ".css"}:
            for map_name in source_maps(source.read_bytes()):
                map_source = source.parent / map_name
                if not map_source.is_file():
                    raise SystemExit(f"{source_name} names {map_name}, which the package does not ship")
                plan[str(Path(target_name).parent / map_name)] = map_source
    return plan


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the registry, write nothing")
    args = parser.parse_args()
    if shutil.which("npm") is None:
        raise SystemExit("npm is not installed (Debian: apt-get install npm)")
    expected: set[str] = {"README.md"}
    differences = []
    with tempfile.TemporaryDirectory(prefix="courseworx-vendor-") as tmp:
        for spec, files in PACKAGES.items():
            root = npm_pack(spec, Path(tmp))
            for target_name, source in planned_files(root, files).items():
                expected.add(target_name)
                target = VENDOR / target_name
                same = target.is_file() and target.read_bytes() == source.read_bytes()
                if args.check:
                    if not same:
                        state = "differs from" if target.is_file() else "missing, in"
                        differences.append(f"{state} {spec}: {target_name}")
                elif not same:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(source, target)
                    print(f"{spec}: {target_name}")
    extra = sorted(
        str(p.relative_to(VENDOR))
        for p in VENDOR.rglob("*")
        if p.is_file() and str(p.relative_to(VENDOR)) not in expected
    )
    for name in extra:
        differences.append(f"not from a listed package (remove it or list it here): {name}")
    for line in differences:
        print(line, file=sys.stderr)
    if differences:
        return 1
    print("Vendored files match the npm packages." if args.check else "Vendored files are up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
