"""Run Python code inside a network namespace: a helper thread joins it, so sockets opened there belong to it."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def _join(ns: str) -> None:
    fd = os.open(f"/run/netns/{ns}", os.O_RDONLY)
    try:
        os.setns(fd, os.CLONE_NEWNET)
    finally:
        os.close(fd)


def call(ns: str, fn: Callable[[], T]) -> T:
    """Runs fn() in a new thread that has joined network namespace `ns` and returns its result."""
    box: dict[str, object] = {}

    def runner() -> None:
        try:
            _join(ns)
            box["value"] = fn()
        except BaseException as exc:  # re-raised in the caller's thread
            box["error"] = exc

    t = threading.Thread(target=runner, name=f"netns-{ns}", daemon=True)
    t.start()
    t.join()
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def start_thread(ns: str, fn: Callable[[], None], name: str) -> threading.Thread:
    """Starts fn() in a daemon thread inside network namespace `ns` (threads it starts stay there too)."""

    def runner() -> None:
        _join(ns)
        fn()

    t = threading.Thread(target=runner, name=name, daemon=True)
    t.start()
    return t
