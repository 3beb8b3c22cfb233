"""A region's trend as an inline SVG (no script, no external asset): failed and waived counts per upload."""

from __future__ import annotations

from markupsafe import Markup

from sovstack.hub.models import Upload

WIDTH, HEIGHT, PAD = 720, 160, 24


def svg(uploads: list[Upload]) -> Markup:
    """Oldest first. Two polylines: failed (red) and waived (amber)."""
    if not uploads:
        return Markup("")
    top = max(max(u.failed, u.waived) for u in uploads) or 1
    step = (WIDTH - 2 * PAD) / max(len(uploads) - 1, 1)

    def points(attr: str) -> str:
        return " ".join(f"{PAD + i * step:.1f},{HEIGHT - PAD - getattr(u, attr) * (HEIGHT - 2 * PAD) / top:.1f}"
                        for i, u in enumerate(uploads))

    first, last = uploads[0].created_at.date(), uploads[-1].created_at.date()
    return Markup(
        f'<svg class="trend" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" aria-label="trend">'
        f'<line class="axis" x1="{PAD}" y1="{HEIGHT - PAD}" x2="{WIDTH - PAD}" y2="{HEIGHT - PAD}"/>'
        f'<polyline class="failed" fill="none" points="{points("failed")}"/>'
        f'<polyline class="waived" fill="none" points="{points("waived")}"/>'
        f'<text x="{PAD}" y="{HEIGHT - 4}">{first}</text>'
        f'<text x="{WIDTH - PAD}" y="{HEIGHT - 4}" text-anchor="end">{last}</text>'
        f'<text x="{PAD}" y="14">{top}</text></svg>')
