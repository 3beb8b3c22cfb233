"""Typed facts between collect and evaluate: notification channels, data locations and endpoints, each with
the chain of places (file, line, what happened there) it was resolved from.

Collectors and extractors turn a format into facts; policies evaluate facts, so one policy recognises a Telegram
channel or a store abroad wherever and however it was written. Extractors register per document kind with
`@extractor(...)`; `Workspace` gives them the other documents of the run (group_vars, tfvars, values files...)
for resolving values across files, within fixed bounds and without rendering or executing anything.

How policies evaluate facts:

- A policy never walks raw dictionaries itself: it asks `of(doc)` for the document's facts and keeps those it
  judges, by class (`Channel`, `DataLocation`) and by `how` (what recognised it: "alertmanager-receiver",
  "ansible-module", "k8s-env", "url", "credential", ...). Its ID, severity and message stay the policy's; the
  fact carries what the message needs (`service`, `resource`, `handle`, `message` for the sentence the extractor
  can word best, `line`).
- `of(doc)` extracts once per document per evaluation: the result is kept in the resolution scope the engine
  opens around one document (`sovstack.resolve.scope`), per extractor, so every policy of that document shares
  one extraction and a new run (or a re-evaluation) starts afresh. `of(doc, hows={...})` runs only the
  extractors that declared one of those hows (`@extractor(..., hows=...)`), so a run limited to one policy does
  not pay for the others' extractors. Outside an engine run (a unit test calling a check) nothing is cached.
- Checks that checkov also runs (Ansible tasks, Terraform resources, Kubernetes objects) see one parsed node at
  a time, not a document. Their extractors are written per node (`@node_extractor`): `fn(node, entity_type,
  locate)` yields the node's facts; registered, it also runs as a document extractor over every node of the
  document. Under sovstack the check reads the node's facts from the document's extraction (`of_node`); under
  checkov (no document) `of_node` calls the per-node function directly. Both go through the same rule code.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

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
    how: str = ""  # what recognised it: url, scheme, ci-action, image, package, crd, key, ansible-module, ...
    chain: list[Origin] = field(default_factory=list)
    message: str | None = None  # the sentence a policy reports the fact with, when its extractor words it best
    # the parsed node (Ansible task, Terraform resource, Kubernetes object) a per-node extractor read it from
    node: Any = field(default=None, repr=False, compare=False)


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
# a per-node extractor: (node, entity type, locate) -> facts; locate(line, needle, start, end) gives the line
NodeExtractor = Callable[[Any, str, "Locate"], Iterable[Fact]]
Locate = Callable[..., "int | None"]
EXTRACTORS: list[tuple[tuple[str, ...], Extractor]] = []
HOWS: dict[Extractor, frozenset[str]] = {}  # the hows an extractor declared it yields
NODES: dict[NodeExtractor, Extractor] = {}  # a per-node extractor -> the document extractor that runs it

_DOC: ContextVar[Document | None] = ContextVar("sovstack_facts_document", default=None)
_resolve: Any = None  # sovstack.resolve, imported on first use (it imports this module)


def extractor(*kinds: str, hows: Iterable[str] = ()) -> Callable[[Extractor], Extractor]:
    """Registers a function that yields facts for documents of these kinds ("any" for all). `hows`: what its
    facts are recognised by, so a policy that reads only those runs only this extractor."""

    def register(fn: Extractor) -> Extractor:
        EXTRACTORS.append((kinds, fn))
        if hows:
            HOWS[fn] = frozenset(hows)
        return fn

    return register


def node_extractor(*kinds: str, nodes: Callable[[Document], Iterable[tuple[Any, str]]],
                   hows: Iterable[str] = ()) -> Callable[[NodeExtractor], NodeExtractor]:
    """Registers a per-node extractor: `nodes(doc)` gives the (node, entity type) pairs of a document (the same
    ones the engine hands the check), the function yields one node's facts. It runs as a document extractor
    over every node; `of_node` reads one node's facts from there, or computes them alone (checkov)."""

    def register(fn: NodeExtractor) -> NodeExtractor:
        def per_document(doc: Document, ws: Workspace) -> list[Fact]:
            locate, out, index = locator(doc), [], {}
            for node, entity in nodes(doc):
                found = list(fn(node, entity, locate))
                for fact in found:
                    fact.node = node
                index[id(node)] = (node, found)
                out += found
            memo = _memo(doc)
            if memo is not None:  # every node visited, with its facts (none for most), for `of_node`
                memo[0][("nodes", fn)] = index
            return out

        per_document.__name__ = per_document.__qualname__ = fn.__name__
        NODES[fn] = per_document
        extractor(*kinds, hows=hows)(per_document)
        return fn

    return register


def locator(doc: Document | None) -> Locate:
    """The line of a fact as the engine would place a hit: the known line, else the first line from start to end
    holding needle, else start. Without a document (checkov), the known line or start."""
    if doc is None:
        return lambda line=None, needle=None, start=None, end=None: line or start
    return lambda line=None, needle=None, start=None, end=None: (
        line or doc.find_line(needle or "", start or 1, end) or start)


def extract(doc: Document, ws: Workspace | None = None) -> list[Fact]:
    """Every fact the registered extractors find in a document (not cached: policies call `of`)."""
    ws = ws or Workspace([doc])
    out: list[Fact] = []
    for kinds, fn in EXTRACTORS:
        if "any" in kinds or doc.kind.value in kinds:
            out += list(fn(doc, ws))
    return out


@contextmanager
def reading(doc: Document) -> Iterator[None]:
    """Marks the document the engine is evaluating (an embedded one included), for `of_node`."""
    token = _DOC.set(doc)
    try:
        yield
    finally:
        _DOC.reset(token)


def _memo(doc: Document) -> tuple[dict, Workspace | None] | None:
    """The document's facts cache in the open resolution scope (one per document evaluation), or None."""
    global _resolve
    if _resolve is None:
        from sovstack import resolve as _resolve  # resolve imports this module: bound on first use

    sc = _resolve.current()
    if sc is None:
        return None
    key = ("facts", id(doc))
    entry = sc.memo.get(key)
    if entry is None or entry[0] is not doc:
        entry = sc.memo[key] = (doc, {})
    return entry[1], sc.ws


def of(doc: Document, ws: Workspace | None = None, hows: Iterable[str] | None = None) -> list[Fact]:
    """The document's facts, extracted once per document per evaluation and shared by every policy; with hows,
    only those of the extractors that declared one of them (the others are not run for it)."""
    wanted = frozenset(hows) if hows is not None else None
    memo = _memo(doc)
    cache, scope_ws = memo if memo is not None else ({}, None)
    ws = ws or scope_ws
    out: list[Fact] = []
    for fn in _plan(doc.kind.value, wanted):
        if fn not in cache:
            ws = ws or Workspace([doc])
            cache[fn] = list(fn(doc, ws))
        out += cache[fn] if wanted is None else [f for f in cache[fn] if f.how in wanted]
    return out


_PLANS: dict[tuple, list[Extractor]] = {}


def _plan(kind: str, wanted: frozenset[str] | None) -> list[Extractor]:
    """The extractors `of` runs for a document kind and a set of hows (kept until more extractors register)."""
    key = (kind, wanted, len(EXTRACTORS))
    plan = _PLANS.get(key)
    if plan is None:
        plan = _PLANS[key] = [fn for kinds, fn in EXTRACTORS if ("any" in kinds or kind in kinds) and (
            wanted is None or HOWS.get(fn, frozenset()) & wanted)]
    return plan


def of_node(node: Any, entity: str, fn: NodeExtractor) -> list[Fact]:
    """One node's facts from a per-node extractor: read from the extraction of the document being evaluated
    (once per document), or computed for this node alone when there is none (checkov, a unit test)."""
    doc = _DOC.get()
    memo = _memo(doc) if doc is not None else None
    per_document = NODES.get(fn)
    if memo is None or per_document is None:
        return list(fn(node, entity, locator(doc)))
    cache, ws = memo
    if per_document not in cache:
        cache[per_document] = per_document(doc, ws or Workspace([doc]))  # also indexes the nodes it visited
    found = cache[("nodes", fn)].get(id(node))
    if found is not None and found[0] is node:
        return found[1]
    return list(fn(node, entity, locator(doc)))  # a node the document's extraction did not visit
