"""Outputs that are not regular files (a FIFO here; /dev/null and /dev/stdout alike) are written, not replaced."""

from __future__ import annotations

import os
import stat
import threading

from sovstack.cli import write_atomic


def test_a_fifo_output_is_written_in_place(tmp_path):
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "report\n")
    reader.join(timeout=10)
    assert received == [b"report\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still the pipe, not a regular file put in its place


def test_a_regular_file_is_still_replaced_whole(tmp_path):
    out = tmp_path / "r.json"
    out.write_text("old, longer content\n")
    write_atomic(out, "new\n")
    assert out.read_text() == "new\n"
