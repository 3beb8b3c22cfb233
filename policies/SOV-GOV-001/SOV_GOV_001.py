"""SOV-GOV-001: inline suppression of a sovstack policy (a self-waiver attempt)."""

import re

from sovstack.checks.base import Hit, NativeCheck

INLINE = re.compile(r"(checkov:skip|bridgecrew:skip|sovstack:(?:skip|ignore))\s*=\s*(?P<id>SOV-[A-Z]{3}-\d{3})"
                    r"|checkov\.io/skip\d*[\"']?\s*:\s*[\"']?(?P<k8s>SOV-[A-Z]{3}-\d{3})", re.I)
CONFIG = re.compile(r"^\s*(-\s*)?(skip[-_]check|soft[-_]fail[-_]on)?\s*:?\s*\[?[\"']?(?P<id>SOV-[A-Z]{3}-\d{3})")


class SelfWaiver(NativeCheck):
    id = "SOV-GOV-001"
    kinds = ("any",)

    def scan(self, doc):
        config = doc.rel.rsplit("/", 1)[-1] in (".checkov.yaml", ".checkov.yml")
        for n, line in enumerate(doc.lines, 1):
            m = INLINE.search(line) or (CONFIG.search(line) if config else None)
            if m:
                yield Hit(f"inline suppression of {(m.group('id') or m.group('k8s')).upper()} is not a waiver: it does not silence "
                          "sovstack; record a waiver with owner, approver, ticket and expiry instead", line=n)


check = SelfWaiver()
