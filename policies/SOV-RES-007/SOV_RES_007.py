"""SOV-RES-007: endpoint of a foreign cloud storage, database or logging service in configuration, or a dependency
on the client SDK of a store that exists only as a hosted service abroad (Firebase, BigQuery, Cosmos DB...)."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.checks.walk import value_texts
from sovstack import facts
from sovstack.rules import dataservices, saassdk


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
        for f in facts.of(doc, hows={saassdk.HOW}):  # a client SDK of a store hosted only abroad
            if f.how == saassdk.HOW and f.line not in seen:
                seen.add(f.line)
                yield Hit(f.message or "SDK of a data service abroad", line=f.line, chain=f.chain or None)


check = ForeignDataServiceEndpoint()
