"""Finds Pulumi projects and their stacks among collected files and assembles each stack's config as the CLI would."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sovstack.collect.document import Document

PROJECT_NAMES = ("Pulumi.yaml", "Pulumi.yml")
STACK_FILE = re.compile(r"^Pulumi\.(?P<stack>[^.]+(?:\.[^.]+)*)\.ya?ml$")
SECRET_PLACEHOLDER = "offline-plan-secret"  # secure: values cannot be decrypted offline
OFFLINE_STACK = "offline"  # the stack name used when a project has no stack file


class ProjectProblem(Exception):
    """A Pulumi project that cannot be planned, with the reason."""


@dataclass
class Stack:
    name: str
    rel: str | None  # the stack file, relative to the scanned root (None: no stack file)
    config: dict[str, str] = field(default_factory=dict)
    secret_keys: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)  # keys whose value comes from a Pulumi ESC environment
    text: str = ""  # the stack file, for locating config keys in findings


@dataclass
class Project:
    name: str
    rel: str  # Pulumi.yaml, relative to the scanned root
    dir: Path  # absolute project folder
    runtime: str
    program: Path  # absolute entry folder or file
    stacks: list[Stack] = field(default_factory=list)
    program_digest: str = ""  # set by the runner when caching: digest of the program's files

    @property
    def rel_dir(self) -> str:
        parent = PurePosixPath(self.rel).parent.as_posix()
        return "" if parent == "." else parent

    def label(self, stack: Stack) -> str:
        """The input path a planned stack is reported under: its stack file, or the project file."""
        return stack.rel or f"{self.rel}#{stack.name}"


def clean(value: Any) -> Any:
    """Parsed YAML without sovstack's line bookkeeping keys."""
    if isinstance(value, dict):
        return {k: clean(v) for k, v in value.items() if not (isinstance(k, str) and k.startswith("__"))}
    if isinstance(value, list):
        return [clean(v) for v in value]
    return value


def as_config_string(value: Any) -> str:
    """Config values reach the program as strings: objects and arrays as JSON, booleans in lower case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return "" if value is None else str(value)


def _full_key(project: str, key: str) -> str:
    return key if ":" in key else f"{project}:{key}"


def _has_secret(value: Any) -> bool:
    if isinstance(value, dict):
        return "secure" in value and len(value) == 1 or any(_has_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_secret(v) for v in value)
    return False


def _unsecure(value: Any) -> Any:
    if isinstance(value, dict):
        if "secure" in value and len(value) == 1:
            return SECRET_PLACEHOLDER
        return {k: _unsecure(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unsecure(v) for v in value]
    return value


def project_defaults(name: str, declared: Any) -> dict[str, Any]:
    """Defaults and plain values declared in Pulumi.yaml `config:`."""
    out: dict[str, Any] = {}
    if not isinstance(declared, dict):
        return out
    for key, spec in declared.items():
        key = _full_key(name, str(key))
        if isinstance(spec, dict):
            if "value" in spec:
                out[key] = spec["value"]
            elif "default" in spec:
                out[key] = spec["default"]
        elif spec is not None:
            out[key] = spec
    return out


def stack_config(name: str, defaults: dict[str, Any], data: Any, rel: str | None, stack: str) -> Stack:
    result = Stack(name=stack, rel=rel)
    merged = dict(defaults)
    if isinstance(data, dict):
        for key, value in (data.get("config") or {}).items():
            merged[_full_key(name, str(key))] = value
        if data.get("environment"):
            result.unresolved.append("environment")
    for key, value in merged.items():
        if _has_secret(value):
            result.secret_keys.append(key)
        result.config[key] = as_config_string(_unsecure(value))
    return result


def _runtime(data: dict) -> str:
    runtime = data.get("runtime")
    if isinstance(runtime, dict):
        runtime = runtime.get("name")
    return str(runtime or "").strip().lower()


def _stack_files_on_disk(folder: Path, rel_dir: str) -> list[Document]:
    """Stack files beside a Pulumi.yaml that was given alone (`sovstack check Pulumi.yaml`)."""
    from sovstack.collect import discover, parse  # noqa: PLC0415 - only for this case

    out = []
    for path in sorted(folder.glob("Pulumi.*.y*ml")):
        if STACK_FILE.match(path.name) and path.is_file() and not path.is_symlink():
            rel = f"{rel_dir}/{path.name}" if rel_dir not in ("", ".") else path.name
            read = parse.read(discover.Candidate(path=path, rel=rel, root=folder))
            if isinstance(read, Document):
                out.append(read)
    return out


# Runtimes whose programs are read without running (sovstack.rules.pulumistatic): their source files are
# evaluated like any file; a `pulumi preview --json` or stack export of them is still checked in full.
STATIC_RUNTIMES = ("nodejs", "go", "dotnet", "java")


def find(docs: list[Document]) -> tuple[list[Project], list[tuple[str, str]]]:
    """Pulumi projects among parsed documents, with their stacks; plus (path, reason) for projects that cannot
    be planned (another runtime, a main outside the project)."""
    by_dir: dict[str, list[Document]] = {}
    for doc in docs:
        by_dir.setdefault(PurePosixPath(doc.rel).parent.as_posix(), []).append(doc)
    projects, problems = [], []
    for doc in docs:
        if PurePosixPath(doc.rel).name not in PROJECT_NAMES or not doc.data or not isinstance(doc.data[0], dict):
            continue
        data = clean(doc.data[0])
        runtime = _runtime(data)
        if runtime == "yaml":
            continue  # a Pulumi YAML program is its own Pulumi.yaml: checked as config, nothing to run
        if runtime in STATIC_RUNTIMES:
            continue  # read statically (providers, regions, resources) by the policies: never run
        if runtime != "python":
            problems.append((doc.rel, f"runtime {runtime or '(none)'}: the offline plan runs Python programs; "
                                      "check a `pulumi preview --json` or `pulumi stack export` file of it instead"))
            continue
        try:
            projects.append(_project(doc, data, by_dir))
        except ProjectProblem as exc:
            problems.append((doc.rel, str(exc)))
    return projects, problems


def _project(doc: Document, data: dict, by_dir: dict[str, list[Document]]) -> Project:
    name = str(data.get("name") or "").strip()
    if not name:
        raise ProjectProblem("Pulumi.yaml has no `name`")
    folder = doc.path.parent.resolve()
    main = data.get("main") or "."
    program = (folder / str(main)).resolve()
    try:
        program.relative_to(folder)
    except ValueError as exc:
        raise ProjectProblem(f"`main: {main}` points outside the project folder: not run") from exc
    project = Project(name=name, rel=doc.rel, dir=folder, runtime="python", program=program)
    defaults = project_defaults(name, data.get("config"))
    rel_dir = PurePosixPath(doc.rel).parent
    config_dir = data.get("stackConfigDir")
    stack_dir = (rel_dir / str(config_dir)).as_posix() if config_dir else rel_dir.as_posix()
    stack_docs = [d for d in by_dir.get(stack_dir, []) if STACK_FILE.match(PurePosixPath(d.rel).name)
                  and PurePosixPath(d.rel).name not in PROJECT_NAMES]
    stack_docs = stack_docs or _stack_files_on_disk(folder / str(config_dir or "."), stack_dir)
    for other in sorted(stack_docs, key=lambda d: d.rel):
        m = STACK_FILE.match(PurePosixPath(other.rel).name)
        if m:
            stack_data = other.data[0] if other.data else {}
            stack = stack_config(name, defaults, clean(stack_data), other.rel, m.group("stack"))
            stack.text = other.text
            project.stacks.append(stack)
    if not project.stacks:
        project.stacks.append(stack_config(name, defaults, {}, None, OFFLINE_STACK))
    return project
