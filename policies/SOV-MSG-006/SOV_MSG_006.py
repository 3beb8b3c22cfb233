"""SOV-MSG-006: Zabbix media type that sends to a foreign messenger."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.rules import messengers


def _media_types(export):
    for key in ("media_types", "mediatypes"):
        items = export.get(key) if isinstance(export, dict) else None
        if isinstance(items, list):
            yield from (m for m in items if isinstance(m, dict))


class ZabbixForeignMediaType(NativeCheck):
    id = "SOV-MSG-006"
    kinds = ("zabbix",)

    def scan(self, doc):
        if doc.data and not isinstance(doc.data[0], dict):  # XML export
            yield from self._xml(doc)
            return
        for d in doc.data:
            for media in _media_types((d or {}).get("zabbix_export") if isinstance(d, dict) else None):
                yield from self._media(doc, media)

    def _media(self, doc, media):
        name = str(media.get("name", "?"))
        start, end = media.get("__startline__"), media.get("__endline__")
        for line in range(start or 1, (end or len(doc.lines)) + 1):
            ep = next(messengers.find_endpoints(doc.line_text(line)), None)
            if ep and not doc.is_comment(line):
                yield Hit(f"media type {name!r} calls the {messengers.label(ep.messenger)} API", line=line,
                          resource=f"media_type.{name}")
                return
        mid = messengers.messenger_in_words(messengers.words(name))
        if mid and str(media.get("type", "")).upper() in ("WEBHOOK", "SCRIPT", "4", "1"):
            yield Hit(f"media type {name!r} is a {messengers.label(mid)} {media.get('type')} media type",
                      needle=name, start=start, end=end, resource=f"media_type.{name}")

    def _xml(self, doc):
        root = doc.data[0]
        for media in root.iter("media_type"):
            name = media.findtext("name") or "?"
            text = " ".join(t for t in media.itertext())
            ep = next(messengers.find_endpoints(text), None)
            mid = ep.messenger if ep else messengers.messenger_in_words(messengers.words(name))
            if mid:
                yield Hit(f"media type {name!r} sends to {messengers.label(mid)}",
                          needle=ep.matched if ep else f"<name>{name}</name>", resource=f"media_type.{name}")


check = ZabbixForeignMediaType()
