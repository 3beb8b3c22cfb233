"""SOV-RES-007: endpoint of a foreign cloud storage, database or logging service in configuration."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.checks.walk import value_texts
from sovstack.rules import dataservices


class ForeignDataServiceEndpoint(NativeCheck):
    id = "SOV-RES-007"
    kinds = ("any",)
    fallback = True

    def scan(self, doc):
        seen = set()
        keys = {(s.line, s.value): s.key for s in doc.scalars} if doc.structured else {}
        for line, end, text in value_texts(doc):
            for matched, host, path in dataservices.find_urls(text):
                at = doc.find_line(matched, line, end) or line
                if dataservices.is_software_fetch(doc.line_text(at), host, keys.get((line, text)), doc.rel, path):
                    continue  # a chart repository or package mirror: software is fetched, no data is stored
                if at not in seen:
                    seen.add(at)
                    yield Hit(f"data service abroad: {host}", line=at)


check = ForeignDataServiceEndpoint()
