"""A region's trend for the inline SVG of templates/_trend.html: failed and waived counts per upload as points."""

from __future__ import annotations

from dataclasses import dataclass

from sovstack.hub.models import Upload

WIDTH, HEIGHT, PAD = 720, 160, 24


@dataclass
class Trend:
    failed: str  # SVG polyline points
    waived: str
    first: str
    last: str
    top: int
    width: int = WIDTH
    height: int = HEIGHT
    pad: int = PAD


def points(uploads: list[Upload]) -> Trend | None:
    """Oldest first; None without uploads."""
    if not uploads:
        return None
    top = max(max(u.failed, u.waived) for u in uploads) or 1
    step = (WIDTH - 2 * PAD) / max(len(uploads) - 1, 1)

    def line(attr: str) -> str:
        return " ".join(f"{PAD + i * step:.1f},{HEIGHT - PAD - getattr(u, attr) * (HEIGHT - 2 * PAD) / top:.1f}"
                        for i, u in enumerate(uploads))

    return Trend(line("failed"), line("waived"), str(uploads[0].created_at.date()),
                 str(uploads[-1].created_at.date()), top)
