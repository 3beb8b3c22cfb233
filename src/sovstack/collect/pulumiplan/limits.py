"""Limits of an offline Pulumi plan, light to import: every run's options carry them, few runs plan."""

from __future__ import annotations

import os
from dataclasses import dataclass

DEFAULT_TIMEOUT_S = 60.0
DEFAULT_MEMORY_MB = 2048


@dataclass
class Limits:
    timeout_s: float = DEFAULT_TIMEOUT_S
    memory_mb: int = DEFAULT_MEMORY_MB
    workers: int = max(1, os.cpu_count() or 1)
    zygote: bool = hasattr(os, "fork")  # fork plans from a process that has the SDK imported already
