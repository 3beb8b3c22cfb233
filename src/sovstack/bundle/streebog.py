"""Streebog-256 (GOST R 34.11-2012) through libgcrypt (GnuPG's C library, ~100 MB/s) when the system has it,
else through gostcrypto (pure Python, ~80 KB/s): the same digests, checked against each other in the tests."""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

from gostcrypto import gosthash

GCRY_MD_STRIBOG256 = 309  # gcrypt.h
GCRYCTL_DISABLE_SECMEM, GCRYCTL_INITIALIZATION_FINISHED, GCRYCTL_INITIALIZATION_FINISHED_P = 37, 38, 39


@cache
def libgcrypt() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("gcrypt") or "libgcrypt.so.20"
    try:
        lib = ctypes.CDLL(name)
    except OSError:
        return None
    lib.gcry_check_version.restype = ctypes.c_char_p
    if lib.gcry_check_version(b"1.6.0") is None:  # Streebog arrived in 1.6
        return None
    if not lib.gcry_control(GCRYCTL_INITIALIZATION_FINISHED_P, 0):
        lib.gcry_control(GCRYCTL_DISABLE_SECMEM, 0)
        lib.gcry_control(GCRYCTL_INITIALIZATION_FINISHED, 0)
    lib.gcry_md_open.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_int, ctypes.c_uint]
    lib.gcry_md_write.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t]
    lib.gcry_md_read.argtypes = [ctypes.c_void_p, ctypes.c_int]
    lib.gcry_md_read.restype = ctypes.POINTER(ctypes.c_ubyte * 32)
    lib.gcry_md_close.argtypes = [ctypes.c_void_p]
    return lib


class _Gcrypt:
    def __init__(self, lib: ctypes.CDLL):
        self._lib, self._hd = lib, ctypes.c_void_p()
        if lib.gcry_md_open(ctypes.byref(self._hd), GCRY_MD_STRIBOG256, 0):
            raise OSError("libgcrypt: cannot open a Streebog-256 context")

    def update(self, data: bytes | bytearray) -> None:
        self._lib.gcry_md_write(self._hd, bytes(data), len(data))

    def hexdigest(self) -> str:
        try:
            return bytes(self._lib.gcry_md_read(self._hd, GCRY_MD_STRIBOG256).contents).hex()
        finally:
            self._close()

    def _close(self) -> None:
        if self._hd:
            self._lib.gcry_md_close(self._hd)
            self._hd = ctypes.c_void_p()

    def __del__(self) -> None:
        self._close()


class _Pure:
    def __init__(self) -> None:
        self._h = gosthash.new("streebog256")

    def update(self, data: bytes | bytearray) -> None:
        self._h.update(bytearray(data))

    def hexdigest(self) -> str:
        return self._h.hexdigest()


def new(*, pure: bool = False) -> _Gcrypt | _Pure:
    """An incremental Streebog-256 (update, then hexdigest once)."""
    lib = None if pure else libgcrypt()
    return _Gcrypt(lib) if lib is not None else _Pure()
