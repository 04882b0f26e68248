"""ECharts comes from its npm registry package at install time (never committed) and is checked against the
registry's sha512 integrity before anything is unpacked; the pages serve it from /static/vendor/echarts/."""

from __future__ import annotations

import base64
import hashlib
import io
import subprocess
import tarfile

import pytest

from rectify.core import vendor


def _tarball(content: bytes = b"/* echarts */") -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz") as archive:
        for name, data in (("package/dist/echarts.min.js", content), ("package/LICENSE", b"Apache-2.0"),
                           ("package/../../evil.js", b"x")):
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _integrity(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


def test_a_tarball_matching_its_integrity_is_unpacked_and_nothing_else(tmp_path):
    data = _tarball()
    vendor.check_integrity(data, _integrity(data))
    vendor.unpack(data, target=tmp_path, version="5.6.0")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["LICENSE", "VERSION", "echarts.min.js"]
    assert (tmp_path / "echarts.min.js").read_bytes() == b"/* echarts */"


def test_a_tampered_tarball_is_refused(tmp_path):
    good, bad = _tarball(), _tarball(b"/* something else */")
    with pytest.raises(vendor.VendorError, match="integrity"):
        vendor.check_integrity(bad, _integrity(good))
    with pytest.raises(vendor.VendorError, match="sha512"):
        vendor.check_integrity(good, "sha1-abc")


def test_echarts_is_installed_and_not_committed():
    """``./rectify`` fetches it (``python -m rectify.core.vendor``); the repository never holds it."""
    assert vendor.installed_version() == vendor.ECHARTS_VERSION, \
        "ECharts is missing: run ./rectify (or python -m rectify.core.vendor) to fetch it from the npm registry"
    root = vendor.STATIC_DIR.parents[3]
    tracked = subprocess.run(["git", "ls-files", str(vendor.STATIC_DIR)], cwd=root, capture_output=True, text=True)
    assert tracked.returncode != 0 or tracked.stdout == ""


def test_the_static_file_is_served(client):
    from django.contrib.staticfiles import finders

    assert finders.find(vendor.STATIC_PATH)
