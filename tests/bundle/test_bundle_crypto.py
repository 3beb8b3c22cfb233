"""GOST R 34.11-2012 and 34.10-2012 against the standards' own examples; Ed25519 and GOST signatures on bundles."""

from __future__ import annotations

import os
import shutil
import stat

import pytest
from gostcrypto import gosthash, gostsignature

from bundle_helpers import TODAY, read_members, top, write_members
from sovstack.bundle import digest, signing

# GOST R 34.11-2012, appendix A: the messages are printed as numbers, most significant byte first.
M1 = bytes.fromhex("323130393837363534333231303938373635343332313039383736353433323130393837363534333231303938"
                   "373635343332313039383736353433323130")[::-1]
M2 = bytes.fromhex("fbe2e5f0eee3c820fbeafaebef20fffbf0e1e0f0f520e0ed20e8ece0ebe5f0f2f120fff0eeec20f120faf2fee5e2"
                   "202ce8f6f3ede220e8e6eee1e8f0f2d1202ce8f0f2e5e220e5d1")[::-1]


def test_streebog_256_examples_of_the_standard():
    assert M1 == b"012345678901234567890123456789012345678901234567890123456789012"
    assert M2.decode("cp1251").startswith("Се ветри, Стрибожи внуци")
    assert digest.streebog256(M1) == "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500"
    assert digest.streebog256(M2) == "9dd2fe4e90409e5da87f53976d7405b0c0cac628fc669a741d50063c557e8f50"
    assert digest.digests(M2)["streebog256"] == digest.streebog256(M2)  # the chunked path agrees
    assert digest.digests(b"")["streebog256"] == "3f539a213e97c802cc229d474c6aa32a825a360b2a933a949fd925208d9ce1bb"


def test_streebog_512_examples_of_the_standard():
    """The 512-bit variant of the same library, as a cross-check of its implementation."""
    assert gosthash.new("streebog512", data=bytearray(M1)).hexdigest() == (
        "1b54d01a4af5b9d5cc3d86d68d285462b19abc2475222f35c085122be4ba1ffa"
        "00ad30f8767b3a82384c6574f024c311e2a481332b08ef7f41797891c1646f48")
    assert gosthash.new("streebog512", data=bytearray(M2)).hexdigest() == (
        "1e88e62226bfca6f9994f1f2d51569e0daf8475a3b0fe61a5300eee46d961376"
        "035fe83549ada2b8620fcd7c496ce5b33f0cb9dddc2b6460143b03dabac9fb28")


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 65535, 65536, 65537, 200_001])
def test_file_digests_in_chunks_equal_whole(tmp_path, size):
    data = os.urandom(size)
    path = tmp_path / "f"
    path.write_bytes(data)
    assert digest.file_digests(path) == digest.digests(data)


def test_gost_34_10_2012_example_of_the_standard():
    """GOST R 34.10-2012 appendix A.1: the test curve, key d, nonce k and digest value e give r and s."""
    curve = {
        "p": 0x8000000000000000000000000000000000000000000000000000000000000431,
        "a": 7,
        "b": 0x5FBFF498AA938CE739B8E022FBAFEF40563F6E6A3472FC2A514C0CE9DAE23B7E,
        "m": 0x8000000000000000000000000000000150FE8A1892976154C59CFC193ACCF5B3,
        "q": 0x8000000000000000000000000000000150FE8A1892976154C59CFC193ACCF5B3,
        "x": 2,
        "y": 0x8E2A8A0E65147D4BD6316030E16D19C85C97F0A9CA267122B96ABBCEA7E8FC8,
    }
    d = 0x7A929ADE789BB9BE10ED359DD39A72C11B60961F49397EEE1D19CE9891EC3B28
    e = 0x2DFBC1B372D89A1188C09C52E0EEC61FCE52032AB1022E8E67ECE6672B043EE5
    k = 0x77105C9B20BCD3122823C8CF6FCC7B956DE33814E95B7FE64FED924594DCEAB3
    signer = gostsignature.new(gostsignature.MODE_256, curve)
    public = signer.public_key_generate(bytearray(d.to_bytes(32, "big")))
    assert public.hex() == ("7f2b49e270db6d90d8595bec458b50c58585ba1d4e9b788f6689dbd8e56fd80b"
                            "26f1b489d6701dd185c8413a977b3cbbaf64d1c593d26627dffb101a87ff77da")
    sig = signer.sign(bytearray(d.to_bytes(32, "big")), bytearray(e.to_bytes(32, "big")),
                      bytearray(k.to_bytes(32, "big")))
    assert sig.hex() == ("41aa28d2f1ab148280cd9ed56feda41974053554a42767b83ad043fd39dc0493"
                         "01456c64ba4642a1653c235a98a60249bcd6d3f746b631df928014f6c5bf9c40")
    assert signer.verify(public, bytearray(e.to_bytes(32, "big")), sig)
    assert not signer.verify(public, bytearray((e + 1).to_bytes(32, "big")), sig)


@pytest.mark.parametrize("algorithm", signing.ALGORITHMS)
def test_sign_and_check(algorithm, tmp_path):
    key = signing.generate(algorithm)
    private, public = signing.write_keys(key, tmp_path / "k")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    loaded, trusted = signing.load_key(private), signing.load_key(public)
    assert loaded.public == trusted.public and trusted.private is None
    doc = signing.sign(loaded, b"manifest bytes")
    assert signing.check(doc, b"manifest bytes", trusted)[0]
    assert not signing.check(doc, b"manifest bytez", trusted)[0]
    other = signing.generate(algorithm)
    ok, why = signing.check(doc, b"manifest bytes", other)
    assert not ok and "not by the trusted key" in why
    with pytest.raises(signing.SigningKeyError, match="exists; not overwritten"):
        signing.write_keys(other, tmp_path / "k")
    with pytest.raises(signing.SigningKeyError, match="private key"):
        signing.sign(trusted, b"x")


def test_bad_key_files(tmp_path):
    junk = tmp_path / "junk.key"
    junk.write_text("not a key")
    with pytest.raises(signing.SigningKeyError, match="junk.key"):
        signing.load_key(junk)
    with pytest.raises(signing.SigningKeyError, match="missing.key"):
        signing.load_key(tmp_path / "missing.key")


def test_signed_bundle_verifies_only_with_its_key(made, sovstack, tmp_path):
    code, out, _ = sovstack("bundle", "verify", made["zip"], "--public-key", made["pub"])
    assert code == 0 and "valid for the trusted key" in out
    code, _, _ = sovstack("bundle", "keygen", "--output", tmp_path / "stranger")
    assert code == 0
    code, out, _ = sovstack("bundle", "verify", made["zip"], "--public-key", tmp_path / "stranger.pub")
    assert code == 1 and "not by the trusted key" in out
    code, out, _ = sovstack("bundle", "verify", made["tar"], "--public-key", made["pub"])  # unsigned
    assert code == 1 and "removed: manifest.sig" in out


def test_removed_signature_is_named(made, sovstack, tmp_path):
    copy = tmp_path / "audit.zip"
    shutil.copy(made["zip"], copy)
    members = read_members(copy)
    del members[f"{top(members)}/manifest.sig"]
    write_members(copy, members)
    code, out, _ = sovstack("bundle", "verify", copy, "--public-key", made["pub"])
    assert code == 1 and "removed: manifest.sig" in out


def test_gost_signed_bundle(made, sovstack, tmp_path):
    code, _, err = sovstack("bundle", "keygen", "--algorithm", signing.GOST, "--output", tmp_path / "gost")
    assert code == 0, err
    bundle = tmp_path / "gost.tar.gz"
    code, out, err = sovstack("bundle", "create", "--output", bundle, made["tree"], "--today", TODAY,
                              "--sign-key", tmp_path / "gost.key", "--lang", "en")
    assert code == 0, err
    code, out, _ = sovstack("bundle", "verify", bundle, "--public-key", tmp_path / "gost.pub")
    assert code == 0 and f"{signing.GOST} signature" in out
    code, _, err = sovstack("bundle", "create", "--output", tmp_path / "x.tar.gz", made["tree"],
                            "--sign-key", tmp_path / "gost.pub")
    assert code == 2 and "cannot sign" in err and not (tmp_path / "x.tar.gz").exists()
