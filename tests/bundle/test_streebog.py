"""Streebog-256 through libgcrypt gives the digests gostcrypto gives, at every block boundary and chunking."""

from __future__ import annotations

import random

import pytest

from sovstack.bundle import streebog
from sovstack.bundle.digest import digests, streebog256

M1 = b"0123456789" * 6 + b"012"  # GOST R 34.11-2012, example 1


def test_libgcrypt_is_used_when_present():
    if streebog.libgcrypt() is None:
        pytest.skip("libgcrypt is not installed: the pure-Python path is the only one")
    assert type(streebog.new()).__name__ == "_Gcrypt"


@pytest.mark.parametrize("size", [0, 1, 63, 64, 65, 127, 128, 1000, 70_000])
def test_same_digest_as_gostcrypto(size):
    data = random.Random(size).randbytes(size)
    pure = streebog.new(pure=True)
    pure.update(data)
    assert streebog256(data) == pure.hexdigest()
    assert digests(data)["streebog256"] == pure.hexdigest()


def test_standard_example():
    assert streebog256(M1) == "9d151eefd8590b89daa6ba6cb74af9275dd051026bb149a452fd84e5e57b5500"
