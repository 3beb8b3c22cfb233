"""The offline plan: runs each stack's program in its own process under the SDK's mocks, with a time limit."""

from __future__ import annotations

import json
import os
import queue
import select
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from sovstack.collect.document import Document
from sovstack.collect.pulumiplan import child
from sovstack.collect.pulumiplan.limits import DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S, Limits  # noqa: F401 - re-exported
from sovstack.collect.pulumiplan.project import Project, Stack
from sovstack.models import Kind

KEEP_ENV = ("PATH", "LANG", "LC_ALL", "TZ", "SYSTEMROOT")  # no cloud credentials reach the program


@dataclass
class PlanError:
    rel: str
    stack: str
    reason: str


@dataclass
class PlanDocument(Document):
    """A stack's resource graph from the offline plan. Policies read `data` as they read a stack export."""

    stack: str = ""
    project: str = ""
    project_dir: Path = field(default_factory=Path)
    project_rel_dir: str = ""
    seconds: float = 0.0
    plan_project: Project | None = None
    plan_stack: Stack | None = None
    reads: list[str] = field(default_factory=list)  # files the program read: what the plan depends on
    lists: list[str] = field(default_factory=list)  # folders it listed
    absent: list[str] = field(default_factory=list)  # files it looked for that did not exist
    _sources: dict = field(default_factory=dict)

    def position(self, state: dict) -> tuple[str | None, int | None]:
        """(file relative to the scanned root, line) where the program declared a resource."""
        pos = state.get("sourcePosition") if isinstance(state, dict) else None
        if not isinstance(pos, str) or not pos.startswith("project:///"):
            return None, None
        path, _, line = pos.removeprefix("project:///").partition("#")
        rel = (PurePosixPath(self.project_rel_dir) / path).as_posix() if self.project_rel_dir else path
        return rel, int(line.split(",")[0]) if line.split(",")[0].isdigit() else None

    def excerpt(self, rel: str, line: int | None) -> str:
        """The source line at a position (read lazily, only for findings)."""
        if line is None:
            return ""
        if rel == self.rel:
            return self.line_text(line)
        if rel not in self._sources:
            base = PurePosixPath(rel)
            if self.project_rel_dir:
                base = base.relative_to(self.project_rel_dir)
            try:
                self._sources[rel] = (self.project_dir / base).read_text(encoding="utf-8").splitlines()
            except (OSError, UnicodeDecodeError, ValueError):
                self._sources[rel] = []
        lines = self._sources[rel]
        return lines[line - 1] if 1 <= line <= len(lines) else ""


def _request(project: Project, stack: Stack, limits: Limits) -> dict:
    return {"project_dir": str(project.dir), "program": str(project.program), "project": project.name,
            "stack": stack.name, "config": stack.config, "secret_keys": stack.secret_keys,
            "memory_mb": limits.memory_mb, "cpu_s": int(limits.timeout_s) + 1}


def _env() -> dict[str, str]:
    env = {k: os.environ[k] for k in KEEP_ENV if k in os.environ}
    env.update({"PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION": "true", "PULUMI_SKIP_UPDATE_CHECK": "true",
                "PYTHONDONTWRITEBYTECODE": "1", "HOME": "/nonexistent", "NO_PROXY": "*"})
    return env


class Zygote:
    """A child process that has imported the Pulumi SDK once and forks a fresh, confined process per stack:
    each plan then starts in milliseconds instead of re-importing the SDK."""

    def __init__(self) -> None:
        self.proc = subprocess.Popen([sys.executable, "-I", child.__file__, "--zygote"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=_env(),
                                     cwd="/")
        self.dir = tempfile.mkdtemp(prefix="sovstack-plan-")

    def plan(self, request: dict, timeout_s: float) -> dict:
        result_path = os.path.join(self.dir, "result.json")
        self.proc.stdin.write(json.dumps({**request, "result_path": result_path, "timeout_s": timeout_s}) + "\n")
        self.proc.stdin.flush()
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout_s + 30)
        line = self.proc.stdout.readline() if ready else ""
        if not line:
            self.close()
            raise ZygoteGone("the plan process stopped answering")
        status = json.loads(line)
        try:
            text = Path(result_path).read_text(encoding="utf-8")
        except OSError:
            text = ""
        finally:
            Path(result_path).unlink(missing_ok=True)
        if status.get("timeout"):
            return {"ok": False, "reason": "timeout"}
        try:
            answer = json.loads(text) if text.strip() else {}
        except ValueError:
            answer = {}
        if isinstance(answer, dict) and "ok" in answer:
            return answer
        code = status.get("exit", 0)
        fake = subprocess.CompletedProcess([], code, "", "")
        return _answer(fake)

    def stop(self) -> None:
        """Asks the zygote to kill the plan it runs (with its process group) and to exit."""
        if self.proc.poll() is None:
            self.proc.terminate()

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class ZygoteGone(Exception):
    pass


def _timeout_error(label: str, stack: Stack, limits: Limits) -> PlanError:
    return PlanError(label, stack.name, f"offline plan of stack {stack.name} stopped after {limits.timeout_s:g} s "
                                        "(time limit): the program runs too long or never ends")


def run_stack(project: Project, stack: Stack, limits: Limits, zygote: Zygote | None = None,
              track: Callable[[subprocess.Popen], bool] | None = None) -> PlanDocument | PlanError:
    """One stack's plan; `track` sees a fallback process (False: the run was interrupted, do not start one)."""
    label = project.label(stack)
    started = time.perf_counter()
    request = _request(project, stack, limits)
    answer = None
    if zygote is not None:
        try:
            answer = zygote.plan(request, limits.timeout_s)
        except (ZygoteGone, OSError, ValueError):
            answer = None  # fall back to a process of its own
    if answer is None:
        answer = _own_process(project, request, limits, track)
        if answer is None:
            return PlanError(label, stack.name, f"offline plan of stack {stack.name} interrupted")
    if answer.get("reason") == "timeout":
        return _timeout_error(label, stack, limits)
    seconds = time.perf_counter() - started
    if not answer.get("ok"):
        reason = answer.get("error") or "the plan failed"
        return PlanError(label, stack.name, f"offline plan of stack {stack.name} failed: {reason}")
    resources = answer.get("resources") or []
    doc = PlanDocument(path=project.dir / (PurePosixPath(stack.rel).name if stack.rel else "Pulumi.yaml"),
                       rel=label, kind=Kind.PULUMI_PROGRAM, text=stack.text, structured=True, planned=True,
                       data=[{"deployment": {"resources": resources}}], stack=stack.name, project=project.name,
                       project_dir=project.dir, project_rel_dir=project.rel_dir, seconds=round(seconds, 3),
                       plan_project=project, plan_stack=stack, reads=list(answer.get("reads") or []),
                       lists=list(answer.get("lists") or []), absent=list(answer.get("absent") or []))
    return doc


def _own_process(project: Project, request: dict, limits: Limits,
                 track: Callable[[subprocess.Popen], bool] | None) -> dict | None:
    cmd = [sys.executable, "-I", child.__file__]
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=project.dir, env=_env())
    if track is not None and not track(proc):
        proc.kill()
        proc.communicate()
        return None
    try:
        out, err = proc.communicate(json.dumps(request), timeout=limits.timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        return {"ok": False, "reason": "timeout"}
    return _answer(subprocess.CompletedProcess(cmd, proc.returncode, out, err))


def _answer(proc: subprocess.CompletedProcess) -> dict:
    try:
        answer = json.loads(proc.stdout) if proc.stdout.strip() else {}
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and "ok" in answer:
        return answer
    tail = (proc.stderr or "").strip().splitlines()[-1:] or [""]
    if proc.returncode < 0:
        why = {9: "killed (memory or CPU limit reached)", 24: "CPU time limit reached", 11: "crashed"}.get(
            -proc.returncode, f"killed by signal {-proc.returncode}")
        return {"ok": False, "error": f"the program process was {why}"}
    if "MemoryError" in tail[0]:
        return {"ok": False, "error": "the program ran out of memory (limit reached)"}
    return {"ok": False, "error": f"the plan process exited with {proc.returncode}: {tail[0][:300]}"}


class Planning:
    """Plans running in the background (each in its own process) while the caller does other work."""

    def __init__(self, projects: list[Project], limits: Limits | None = None):
        limits = limits or Limits()
        jobs = [(p, s) for p in projects for s in p.stacks]
        workers = max(1, min(limits.workers, len(jobs)))
        self._aborted = threading.Event()
        self._procs: set[subprocess.Popen] = set()
        self._lock = threading.Lock()
        self._zygotes: queue.Queue[Zygote | None] = queue.Queue()
        self._all_zygotes: list[Zygote] = []
        for _ in range(workers):
            zygote = _start_zygote() if limits.zygote else None
            self._all_zygotes += [zygote] if zygote else []
            self._zygotes.put(zygote)
        self._pool = ThreadPoolExecutor(max_workers=workers)
        self._futures = [self._pool.submit(self._one, p, s, limits) for p, s in jobs]

    def _one(self, project: Project, stack: Stack, limits: Limits) -> PlanDocument | PlanError:
        if self._aborted.is_set():
            return PlanError(project.label(stack), stack.name, f"offline plan of stack {stack.name} interrupted")
        zygote = self._zygotes.get()
        try:
            return run_stack(project, stack, limits, zygote, self._track)
        finally:
            self._zygotes.put(zygote if zygote is not None and zygote.proc.poll() is None else None)

    def _track(self, proc: subprocess.Popen) -> bool:
        with self._lock:
            self._procs.add(proc)
            return not self._aborted.is_set()

    def abort(self) -> None:
        """Stops every plan now (Ctrl-C): no new plan starts, running ones and their process groups are killed."""
        self._aborted.set()
        with self._lock:
            procs = list(self._procs)
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
        for zygote in self._all_zygotes:
            zygote.stop()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def results(self) -> list[PlanDocument | PlanError]:
        """Every stack's plan, in a stable order (waits for the ones still running)."""
        try:
            return [f.result() for f in self._futures]
        except BaseException:  # Ctrl-C while waiting: stop everything before unwinding
            self.abort()
            raise
        finally:
            self._pool.shutdown(wait=not self._aborted.is_set())
            while not self._zygotes.empty():
                zygote = self._zygotes.get()
                if zygote is not None:
                    zygote.close()


def _start_zygote() -> Zygote | None:
    try:
        return Zygote()
    except OSError:
        return None


def run_all(projects: list[Project], limits: Limits | None = None) -> list[PlanDocument | PlanError]:
    """Plan every stack of every project, several at a time; results in a stable order."""
    return Planning(projects, limits).results()
