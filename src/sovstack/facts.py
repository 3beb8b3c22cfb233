"""Typed facts between collect and evaluate: notification channels, data locations and endpoints, each with
the chain of places (file, line, what happened there) it was resolved from.

Collectors and extractors turn a format into facts; policies evaluate facts, so one policy recognises a Telegram
channel or a store abroad wherever and however it was written. Extractors register per document kind with
`@extractor(...)`; `Workspace` gives them the other documents of the run (group_vars, tfvars, values files...)
for resolving values across files, within fixed bounds and without rendering or executing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable, Iterator

if TYPE_CHECKING:
    from sovstack.collect.document import Document


@dataclass(frozen=True)
class Origin:
    """One link of a resolution chain: "host from group_vars/all.yml:4", "used in roles/x/tasks/main.yml:12"."""

    file: str
    line: int | None
    note: str

    def label(self) -> str:
        return f"{self.note} ({self.file}:{self.line})" if self.line else f"{self.note} ({self.file})"


@dataclass
class Fact:
    """What every fact carries: where it is reported (the outer file and line) and how it was resolved."""

    line: int | None = None  # line in the document the fact is reported on
    resource: str | None = None  # e.g. receiver.ops, aws_s3_bucket.logs, Provider.slack
    how: str = ""  # what recognised it: url, scheme, ci-action, image, package, crd, key, ...
    chain: list[Origin] = field(default_factory=list)


@dataclass
class Channel(Fact):
    """A notification path: a messenger service (catalogue id), and where/who it reaches."""

    service: str = ""  # messenger id from policies/data/messengers.yaml (telegram, slack, ...)
    endpoint: str | None = None  # URL or host, secrets masked
    handle: str | None = None  # chat id, channel name, room
    credential_ref: str | None = None  # where the token comes from (variable, secret name) - never the value


@dataclass
class DataLocation(Fact):
    """A place where data is stored or processed."""

    provider: str | None = None  # aws, yandex, selectel, firebase, ...
    region: str | None = None
    zone: str | None = None
    endpoint: str | None = None
    store: str | None = None  # compute, volume, bucket, database, backup, state, saas, upload


@dataclass
class Endpoint(Fact):
    """A network endpoint a configuration talks to."""

    scheme: str | None = None
    host: str | None = None
    ip: str | None = None
    port: int | None = None


class Workspace:
    """The documents of one run, by path, so an extractor can look up values defined in other files."""

    def __init__(self, docs: Iterable[Document] = (), files: Iterable[Path] = ()) -> None:
        self.docs: dict[str, Document] = {d.rel: d for d in docs}
        # every file discovered in the run, parsed or not (a file reused from the cache has no Document here)
        self.files: list[Path] = list(files) or [d.path for d in self.docs.values()]
        self.by_path: dict[Path, Document] = {d.path: d for d in self.docs.values()}
        self.memo: dict = {}  # run-wide caches of value resolution (parsed files, module summaries, module calls)

    def get(self, rel: str) -> Document | None:
        return self.docs.get(rel)

    def __iter__(self) -> Iterator[Document]:
        return iter(self.docs.values())


Extractor = Callable[["Document", Workspace], Iterable[Fact]]
EXTRACTORS: list[tuple[tuple[str, ...], Extractor]] = []


def extractor(*kinds: str) -> Callable[[Extractor], Extractor]:
    """Registers a function that yields facts for documents of these kinds ("any" for all)."""

    def register(fn: Extractor) -> Extractor:
        EXTRACTORS.append((kinds, fn))
        return fn

    return register


def extract(doc: Document, ws: Workspace | None = None) -> list[Fact]:
    """Every fact the registered extractors find in a document."""
    ws = ws or Workspace([doc])
    out: list[Fact] = []
    for kinds, fn in EXTRACTORS:
        if "any" in kinds or doc.kind.value in kinds:
            out += list(fn(doc, ws))
    return out
