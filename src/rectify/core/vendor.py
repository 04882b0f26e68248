"""Third-party front-end code fetched from its registry package at install time, never committed.

ECharts (the dashboards' charts) comes from the npm registry: ``./rectify`` runs this module when the file is
missing (``python -m rectify.core.vendor``), and so does ``./rectify test`` on a fresh machine and CI. It

1. reads the package's metadata for the pinned version from the registry (``RECTIFY_NPM_REGISTRY``, default
   https://registry.npmjs.org — an intranet mirror works the same way);
2. downloads the tarball the metadata names and checks it against the metadata's ``integrity`` (sha512,
   Subresource-Integrity format) before anything is unpacked;
3. writes ``dist/echarts.min.js`` and the licence into ``static/vendor/echarts/`` inside the package
   (git-ignored), which WhiteNoise serves as ``/static/vendor/echarts/echarts.min.js``.

``--tarball FILE`` installs from a tarball already on disk (a machine without internet access), still
checked against ``--integrity`` when given. Standard library only: it runs before Django is configured.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import urllib.request
from pathlib import Path

ECHARTS_VERSION = "5.6.0"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static" / "vendor" / "echarts"
ECHARTS_FILE = STATIC_DIR / "echarts.min.js"
STATIC_PATH = "vendor/echarts/echarts.min.js"  # for {% static %}
_MEMBERS = {"package/dist/echarts.min.js": "echarts.min.js", "package/LICENSE": "LICENSE"}
_TIMEOUT = 60


class VendorError(Exception):
    pass


def registry() -> str:
    return os.environ.get("RECTIFY_NPM_REGISTRY", "https://registry.npmjs.org").rstrip("/")


def installed_version() -> str | None:
    stamp = STATIC_DIR / "VERSION"
    if not ECHARTS_FILE.is_file() or not stamp.is_file():
        return None
    return stamp.read_text(encoding="utf-8").strip()


def _get(url: str) -> bytes:
    request = urllib.request.Request(url, headers={"Accept": "application/json, application/octet-stream"})
    with urllib.request.urlopen(request, timeout=_TIMEOUT) as response:
        return response.read()


def check_integrity(data: bytes, integrity: str) -> None:
    """``integrity`` is "sha512-<base64>" (several space-separated hashes allowed; a sha512 one must match)."""
    for item in integrity.split():
        algorithm, _, expected = item.partition("-")
        if algorithm == "sha512":
            actual = base64.b64encode(hashlib.sha512(data).digest()).decode()
            if actual != expected:
                raise VendorError(f"echarts tarball fails its sha512 integrity check (got sha512-{actual})")
            return
    raise VendorError(f"the registry gives no sha512 integrity for echarts: {integrity!r}")


def unpack(data: bytes, target: Path = STATIC_DIR, version: str = ECHARTS_VERSION) -> None:
    """Write the wanted members of the package tarball (and a VERSION stamp) into ``target``, atomically per file."""
    found: dict[str, bytes] = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            if member.name in _MEMBERS and member.isfile():
                extracted = archive.extractfile(member)
                if extracted is not None:
                    found[_MEMBERS[member.name]] = extracted.read()
    if "echarts.min.js" not in found:
        raise VendorError("the echarts tarball has no package/dist/echarts.min.js")
    target.mkdir(parents=True, exist_ok=True)
    for name, content in [*found.items(), ("VERSION", f"{version}\n".encode())]:
        tmp = target / f".{name}.tmp"
        tmp.write_bytes(content)
        tmp.replace(target / name)


def fetch_echarts(*, version: str = ECHARTS_VERSION, tarball: Path | None = None, integrity: str | None = None,
                  force: bool = False) -> str:
    """Install ECharts ``version`` unless it is there already; returns what was done, for the log."""
    if not force and installed_version() == version:
        return f"echarts {version} already installed in {STATIC_DIR}"
    if tarball is not None:
        data = tarball.read_bytes()
        if integrity:
            check_integrity(data, integrity)
    else:
        meta = json.loads(_get(f"{registry()}/echarts/{version}"))
        dist = meta.get("dist") or {}
        if meta.get("version") != version or not dist.get("tarball"):
            raise VendorError(f"the registry's metadata for echarts {version} names no tarball")
        data = _get(dist["tarball"])
        check_integrity(data, dist.get("integrity", ""))
    unpack(data, version=version)
    return f"echarts {version} installed in {STATIC_DIR}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m rectify.core.vendor",
                                     description="Fetch ECharts from the npm registry into the static files.")
    parser.add_argument("--tarball", type=Path, help="install from this echarts-<version>.tgz instead of the registry")
    parser.add_argument("--integrity", help="sha512-… the tarball must match (from the registry's metadata)")
    parser.add_argument("--force", action="store_true", help="fetch again even when installed")
    args = parser.parse_args(argv)
    try:
        print(fetch_echarts(tarball=args.tarball, integrity=args.integrity, force=args.force), file=sys.stderr)
    except (OSError, VendorError, ValueError) as exc:
        print(f"rectify: could not install ECharts {ECHARTS_VERSION}: {exc}\n"
              f"  (set RECTIFY_NPM_REGISTRY to a reachable npm registry mirror, or pass --tarball)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
