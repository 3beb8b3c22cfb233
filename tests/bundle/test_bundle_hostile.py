"""Reading or unpacking a bundle is safe against a hostile archive: each is refused with exit 2, naming the member."""

from __future__ import annotations

import io
import stat
import tarfile
import zipfile

import pytest

from bundle_helpers import read_members, top
from sovstack.bundle import archive


def _tar(path, entries):
    """entries: (TarInfo settings, data) pairs."""
    with tarfile.open(path, "w:gz") as tf:
        for settings, data in entries:
            info = tarfile.TarInfo(settings.pop("name"))
            for key, value in settings.items():
                setattr(info, key, value)
            info.size = len(data) if info.type in (tarfile.REGTYPE, tarfile.AREGTYPE) else 0
            tf.addfile(info, io.BytesIO(data) if info.size else None)


OK = ({"name": "b/result.json"}, b"{}")


@pytest.mark.parametrize("entry, words", [
    ({"name": "/etc/passwd"}, "absolute path"),
    ({"name": "b/../../evil.sh"}, "'..'"),
    ({"name": "b/reports/../../x"}, "'..'"),
    ({"name": "b\\..\\x"}, "backslash"),
    ({"name": "b/link", "type": tarfile.SYMTYPE, "linkname": "/etc/shadow"}, "symbolic link to '/etc/shadow'"),
    ({"name": "b/hard", "type": tarfile.LNKTYPE, "linkname": "b/result.json"}, "hard link"),
    ({"name": "b/dev", "type": tarfile.CHRTYPE, "devmajor": 1, "devminor": 3}, "device"),
    ({"name": "b/fifo", "type": tarfile.FIFOTYPE}, "FIFO"),
])
def test_hostile_tar_members_are_refused_by_name(tmp_path, sovstack, entry, words):
    bad = tmp_path / "bad.tar.gz"
    name = entry["name"]
    _tar(bad, [(dict(OK[0]), OK[1]), (dict(entry), b"x")])
    code, out, err = sovstack("bundle", "verify", bad)
    assert code == 2, out
    assert repr(name) in err and words in err


def test_duplicate_member_is_refused(tmp_path, sovstack):
    bad = tmp_path / "dup.tar.gz"
    _tar(bad, [({"name": "b/manifest.json"}, b"{}"), ({"name": "b/manifest.json"}, b"{}")])
    code, _, err = sovstack("bundle", "verify", bad)
    assert code == 2 and "'b/manifest.json' appears twice" in err


def test_zip_symlink_and_traversal_are_refused(tmp_path, sovstack):
    link = tmp_path / "link.zip"
    with zipfile.ZipFile(link, "w") as zf:
        info = zipfile.ZipInfo("b/evil")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(info, "/etc/passwd")
    code, _, err = sovstack("bundle", "verify", link)
    assert code == 2 and "'b/evil'" in err and "symbolic link" in err
    trav = tmp_path / "trav.zip"
    with zipfile.ZipFile(trav, "w") as zf:
        zf.writestr("b/../../x", "x")
    code, _, err = sovstack("bundle", "verify", trav)
    assert code == 2 and "'b/../../x'" in err


def test_zip_bomb_is_refused_before_inflating(tmp_path):
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("b/zeros", b"\0" * (8 * 1024 * 1024))
    with pytest.raises(archive.ArchiveError, match="'b/zeros': compression ratio above"):
        archive.read(bomb)
    with pytest.raises(archive.ArchiveError, match="'b/zeros': 8388608 bytes, more than the limit"):
        archive.read(bomb, archive.Limits(member_bytes=1024 * 1024, zip_ratio=10**9))


def test_oversized_tar_member_is_refused(tmp_path):
    big = tmp_path / "big.tar.gz"
    _tar(big, [({"name": "b/result.json"}, b"x" * 5000)])
    with pytest.raises(archive.ArchiveError, match="'b/result.json': 5000 bytes, more than the limit of 4096"):
        archive.read(big, archive.Limits(member_bytes=4096))
    with pytest.raises(archive.ArchiveError, match="more than 0 members"):
        archive.read(big, archive.Limits(members=0))


@pytest.mark.parametrize("content, words", [
    (b"just text, no archive", "not a .tar.gz or .zip bundle"),
    (b"\x1f\x8b\x08\x00garbage-after-the-gzip-magic", "corrupt archive"),
    (b"PK\x03\x04garbage", "corrupt archive"),
])
def test_unreadable_files_exit_2(tmp_path, sovstack, content, words):
    bad = tmp_path / "bad.tar.gz"
    bad.write_bytes(content)
    code, _, err = sovstack("bundle", "verify", bad)
    assert code == 2 and str(bad) in err and words in err


def test_missing_file_and_non_bundle_archive(tmp_path, sovstack):
    code, _, err = sovstack("bundle", "verify", tmp_path / "nope.tar.gz")
    assert code == 2 and "nope.tar.gz" in err
    plain = tmp_path / "plain.tar.gz"
    _tar(plain, [({"name": "b/readme.txt"}, b"hello")])
    code, _, err = sovstack("bundle", "verify", plain)
    assert code == 2 and "no manifest.json: not a sovstack evidence bundle" in err


def test_truncated_bundle_exits_2(made, tmp_path, sovstack):
    cut = tmp_path / "cut.tar.gz"
    data = made["tar"].read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    code, _, err = sovstack("bundle", "verify", cut)
    assert code == 2 and "cut.tar.gz" in err


def test_extract_writes_an_intact_bundle_only(made, tmp_path, sovstack):
    dest = tmp_path / "out"
    code, out, err = sovstack("bundle", "extract", made["tar"], dest)
    assert code == 0, err
    assert (dest / "reports" / "report.html").is_file() and (dest / "manifest.json").is_file()
    assert sorted(p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file()) == sorted(
        n.split("/", 1)[1] for n in read_members(made["tar"]))
    code, _, err = sovstack("bundle", "extract", made["tar"], dest)
    assert code == 2 and "exists" in err
    tampered = tmp_path / "t.tar.gz"
    members = read_members(made["tar"])
    members[f"{top(members)}/result.json"] += b" "
    with tarfile.open(tampered, "w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    code, _, err = sovstack("bundle", "extract", tampered, tmp_path / "out2")
    assert code == 1 and "changed result.json" in err and not (tmp_path / "out2").exists()
