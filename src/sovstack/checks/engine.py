"""The engine: loads the check of every policy from its home (policies/<ID>/) and runs them on each document."""

from __future__ import annotations

import fnmatch
from pathlib import Path
from typing import Any, Iterable, Iterator

from sovstack.catalogue import Catalogue, check_file
from sovstack.checks.base import REGISTRY, Hit, InputProblem, NativeCheck
from sovstack.checks.homes import Derived, derive, exec_check
from sovstack import resolve
from sovstack.collect import embedded
from sovstack.collect.document import Document
from sovstack import facts
from sovstack.facts import Workspace
from sovstack.models import ChainLink, Finding, Kind, PulumiRef, Status
from sovstack.redact import redact

ANSIBLE_KEYWORDS = {
    "name", "when", "loop", "with_items", "with_dict", "with_fileglob", "register", "notify", "tags", "become",
    "become_user", "vars", "args", "delegate_to", "run_once", "ignore_errors", "changed_when", "failed_when",
    "no_log", "environment", "until", "retries", "delay", "listen", "loop_control", "check_mode", "diff",
    "async", "poll", "throttle", "timeout", "any_errors_fatal", "module_defaults", "collections", "connection",
    "remote_user", "debugger", "ignore_unreachable", "delegate_facts", "local_action", "action", "with_list",
    "with_together", "with_nested", "with_subelements", "with_sequence", "with_first_found", "become_method",
}
TASK_CONTAINERS = ("tasks", "pre_tasks", "post_tasks", "handlers", "block", "rescue", "always")


class PolicyError(Exception):
    """A policy file could not be loaded or raised while running: the run cannot be trusted."""


class Engine:
    def __init__(self, catalogue: Catalogue):
        self.catalogue = catalogue
        self._loaded: set[Path] = set()
        self.errors: list[str] = []
        self.workspace: Workspace | None = None  # every document of the run, for resolving values across files

    # ---- loading -------------------------------------------------------------------------------
    def load(self) -> None:
        """Imports the check of every policy in the catalogue (checkov checks stand on light stand-ins of
        checkov's base classes outside checkov, so loading them all is cheap)."""
        for pid in self.catalogue.policies:
            self._import(check_file(self.catalogue.root / pid))

    def _import(self, path: Path) -> None:
        if path in self._loaded:
            return
        self._loaded.add(path)
        if not path.is_file():
            self.errors.append(f"policy {path.parent.name} has no check file {path.name}")
            return
        try:
            REGISTRY.catalogue = self.catalogue
            exec_check(path)
        except Exception as exc:  # a broken policy must stop the run from claiming compliance
            self.errors.append(f"policy file {path.name} failed to load: {type(exc).__name__}: {exc}")
        finally:
            REGISTRY.catalogue = None

    def derived(self) -> dict[str, Derived]:
        """What the code says about each loaded policy: its engine and the document kinds it reads."""
        return {c.id: derive(c) for c in self.checks()}

    def checks(self) -> list[Any]:
        return [c for c in REGISTRY.checks.values() if c.id in self.catalogue.policies]

    # ---- running ---------------------------------------------------------------------------------
    def evaluate(self, doc: Document) -> list[Finding]:
        with resolve.scope(doc, self.workspace) as sc:
            findings = self._evaluate(doc)
            for sub in embedded.documents(doc):
                findings += self._embedded(doc, sub)
        doc.depends = None if not sc.cacheable else {"files": sorted(sc.deps), "folders": sorted(sc.folders)}
        return _drop_fallback_duplicates(findings, self._fallback_ids())

    def _embedded(self, doc: Document, sub: embedded.Embedded) -> list[Finding]:
        """Failed findings of an embedded document, reported at the outer file and line with how it got there."""
        out = []
        for f in self._evaluate(sub.doc):
            if f.status is not Status.FAILED:
                continue
            f.line = sub.line if sub.fixed_line else f.line
            f.excerpt = redact(doc.line_text(f.line).strip()[:200]) or None
            link = ChainLink(file=doc.rel, line=sub.line, note=f"{sub.doc.kind.value} document embedded in {sub.where}")
            f.chain = [link] + list(f.chain or [])
            out.append(f)
        return out

    def _evaluate(self, doc: Document) -> list[Finding]:
        with facts.reading(doc):  # the checks of one node at a time read its facts from this document's
            return self._evaluate_checks(doc)

    def _evaluate_checks(self, doc: Document) -> list[Finding]:
        findings: list[Finding] = []
        for check, resource, hits in self._run_all(doc):
            meta = self.catalogue.get(check.id)
            if not hits:
                findings.append(self._finding(meta, doc, Status.PASSED, None, resource, "no violation found"))
            for hit in hits:
                line = hit.line or doc.find_line(hit.needle or "", hit.start or 1, hit.end) or hit.start
                finding = self._finding(meta, doc, Status.FAILED, line, hit.resource or resource, hit.message)
                if hit.file:
                    finding.file = hit.file
                    finding.excerpt = redact(doc.excerpt(hit.file, line).strip()[:200]) or None
                if hit.pulumi:
                    finding.pulumi = PulumiRef(**hit.pulumi)
                if hit.chain:
                    finding.chain = [ChainLink(file=o.file, line=o.line, note=redact(o.note) or "") for o in hit.chain]
                    if (finding.chain[-1].file, finding.chain[-1].line) != (finding.file, line):
                        finding.chain.append(ChainLink(file=finding.file, line=line, note="used here"))
                findings.append(finding)
        return findings

    def dedupe(self, findings: list[Finding]) -> list[Finding]:
        """Across documents: the same file can be read twice (a stack file as config and as a plan's source)."""
        return _drop_fallback_duplicates(findings, self._fallback_ids())

    def _fallback_ids(self) -> set[str]:
        return {c.id for c in self.checks() if getattr(c, "fallback", False)}

    def _finding(self, meta, doc: Document, status: Status, line: int | None, resource: str | None,
                 message: str) -> Finding:
        excerpt = doc.line_text(line).strip()[:200] if line else None
        return Finding(policy_id=meta.id, category=meta.category, status=status, severity=meta.severity,
                       file=doc.rel, line=line, resource=resource, message=redact(message) or "",
                       legal_basis=meta.legal_basis(), excerpt=redact(excerpt), kind=doc.kind.value)

    def _run_all(self, doc: Document) -> Iterator[tuple[Any, str | None, list[Hit]]]:
        for check in self.checks():
            if isinstance(check, NativeCheck):
                if check.applies(doc):
                    yield check, None, self._guard(check, lambda c=check: list(c.scan(doc)))
        if doc.kind is Kind.TERRAFORM:
            yield from self._terraform(doc)
        elif doc.kind is Kind.ANSIBLE:
            yield from self._ansible(doc)
        elif doc.kind is Kind.KUBERNETES:
            yield from self._kubernetes(doc)

    def _guard(self, check: Any, fn) -> list[Hit]:
        try:
            return fn()
        except InputProblem:
            raise  # the input's fault, not the policy's: reported as an input error
        except Exception as exc:
            raise PolicyError(f"policy {check.id} raised {type(exc).__name__}: {exc}") from exc

    def _terraform(self, doc: Document) -> Iterator[tuple[Any, str | None, list[Hit]]]:
        data = doc.data[0] if doc.data else {}
        providers = REGISTRY.of_target("terraform-provider")
        resources = REGISTRY.of_target("terraform-resource")
        for block in data.get("provider") or []:
            for name, conf in block.items():
                for check in providers:
                    if name in check.supported_provider or "*" in check.supported_provider:
                        yield check, f"provider.{name}", self._guard(check, lambda: check.sov_evaluate(conf, name))
        for block in data.get("resource") or []:
            for rtype, named in block.items():
                for rname, conf in (named or {}).items():
                    for check in resources:
                        if any(fnmatch.fnmatchcase(rtype, p) for p in check.supported_resources):
                            yield check, f"{rtype}.{rname}", self._guard(check, lambda: check.sov_evaluate(conf, rtype))

    def _ansible(self, doc: Document) -> Iterator[tuple[Any, str | None, list[Hit]]]:
        checks = REGISTRY.of_target("ansible-task")
        # tasks live in lists (playbooks, task files); a mapping at the root is a variables file (defaults/,
        # vars/, group_vars): its keys are variable names, never modules
        for task in iter_tasks([d for d in doc.data if isinstance(d, list)]):
            module = task_module(task)
            if not module:
                continue
            resource = f"tasks.{module}.{task.get('name') or 'unnamed'}"
            for check in checks:
                if check.sov_applies(module):
                    yield check, resource, self._guard(check, lambda: check.sov_evaluate(task, module))

    def _kubernetes(self, doc: Document) -> Iterator[tuple[Any, str | None, list[Hit]]]:
        checks = REGISTRY.of_target("kubernetes")
        for obj in k8s_objects(doc.data):
            if not isinstance(obj, dict) or "kind" not in obj:
                continue
            name = (obj.get("metadata") or {}).get("name", "unnamed") if isinstance(obj.get("metadata"), dict) else "unnamed"
            resource = f"{obj['kind']}.{name}"
            for check in checks:
                if obj["kind"] in check.supported_specs:
                    yield check, resource, self._guard(check, lambda: check.sov_evaluate(obj, obj["kind"]))


def k8s_objects(data: list[Any]) -> Iterator[dict[str, Any]]:
    """Kubernetes objects of a stream, with `kind: List` (and *List) expanded."""
    for obj in data:
        if isinstance(obj, dict) and str(obj.get("kind", "")).endswith("List") and isinstance(obj.get("items"), list):
            yield from k8s_objects(obj["items"])
        elif isinstance(obj, dict):
            yield obj


def iter_tasks(data: Any) -> Iterator[dict[str, Any]]:
    """Every task and handler of a playbook or task file, including those nested in blocks."""
    stack = list(data) if isinstance(data, list) else [data]
    while stack:
        item = stack.pop(0)
        if isinstance(item, list):
            stack[0:0] = item
            continue
        if not isinstance(item, dict):
            continue
        nested = [item[k] for k in TASK_CONTAINERS if isinstance(item.get(k), list)]
        if nested:
            for n in nested:
                stack[0:0] = n
            if "hosts" in item or "block" in item:
                continue
        if "hosts" not in item:
            yield item


def task_module(task: dict[str, Any]) -> str | None:
    for key in task:
        if key.startswith("__") or key in ANSIBLE_KEYWORDS or key in TASK_CONTAINERS or key.startswith("with_"):
            continue
        return key
    action = task.get("action") or task.get("local_action")
    if isinstance(action, str):
        return action.split()[0]
    if isinstance(action, dict) and isinstance(action.get("module"), str):
        return action["module"]
    return None


def _drop_fallback_duplicates(findings: list[Finding], fallback: set[str]) -> list[Finding]:
    """One finding per place: a fallback policy gives way to a specific one of its category on the same line,
    and the same policy reports a line once (a stack file is read as config and again as the plan's source)."""
    specific = {(f.file, f.category, f.line) for f in findings
                if f.status is Status.FAILED and f.policy_id not in fallback}
    seen: set[tuple] = set()
    out = []
    for f in findings:
        if f.status is Status.FAILED:
            if f.policy_id in fallback and (f.file, f.category, f.line) in specific:
                continue
            key = (f.policy_id, f.file, f.line, f.resource if f.line is None else None)
            if key in seen:
                continue
            seen.add(key)
        out.append(f)
    return out


