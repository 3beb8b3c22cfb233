"""Runs one Pulumi Python program under the SDK's mocks and prints its resource graph (the offline plan's child).

Started by `sovstack.collect.pulumiplan.plan` as `python -m sovstack.collect.pulumiplan.child` in its own process,
with a time limit and resource limits. Reads a JSON request on stdin:

    {"project_dir": ..., "program": <dir or file>, "project": <name>, "stack": <name>,
     "config": {"<ns>:<key>": "<string or JSON>"}, "secret_keys": [...]}

and writes one JSON object on stdout: {"ok": true, "resources": [...]} in the shape of `pulumi stack export`'s
`deployment.resources`, or {"ok": false, "reason": <category>, "error": <message>}. Nothing here imports the
rest of sovstack: this module needs only the standard library and the Pulumi SDK.

While the program runs, network access, subprocesses and native code loading through ctypes are refused (an
audit hook), so a program cannot phone home or escape; a refusal is reported even when the program catches it.
"""

from __future__ import annotations

import json
import os
import runpy
import sys
import traceback
from pathlib import Path

BLOCKED_EVENTS = {
    "socket.connect": "open a network connection",
    "socket.getaddrinfo": "resolve a host name",
    "socket.gethostbyname": "resolve a host name",
    "socket.gethostbyaddr": "resolve an address",
    "socket.sendto": "send network traffic",
    "socket.bind": "listen on the network",
    "subprocess.Popen": "run a command",
    "os.system": "run a command",
    "os.exec": "run a command",
    "os.posix_spawn": "run a command",
    "os.spawn": "run a command",
    "os.fork": "fork",
    "os.forkpty": "fork",
    "os.remove": "delete a file",
    "os.rmdir": "delete a folder",
    "os.rename": "rename a file",
    "os.mkdir": "create a folder",
    "os.chmod": "change file permissions",
    "os.chown": "change file ownership",
    "os.truncate": "truncate a file",
    "os.link": "create a link",
    "os.symlink": "create a link",
    "os.utime": "change file times",
    "os.setxattr": "change file attributes",
    "os.removexattr": "change file attributes",
    "os.kill": "signal a process",
    "os.putenv": "change the environment",
    "shutil.rmtree": "delete a folder",
    "ctypes.dlopen": "load native code",
    "webbrowser.open": "open a browser",
}
_refusals: list[str] = []
_armed = False


class Refused(PermissionError):
    """Raised inside the program when it tries something the offline plan forbids."""


_reads: set[str] = set()  # files and folders the program read: what its plan depends on (for the cache)
_lists: set[str] = set()


def _audit(event: str, args: tuple) -> None:
    if not _armed:
        return
    if event == "open":
        if not args or not isinstance(args[0], (str, bytes)):
            return
        mode, flags = (str(args[1]) if len(args) > 1 and args[1] else "r"), (args[2] if len(args) > 2 else 0)
        writes = any(c in mode for c in "wax+") or bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT))
        if writes and os.fsdecode(args[0]) != os.devnull:
            message = f"the program tried to write a file ({os.fsdecode(args[0])[:160]!r})"
            _refusals.append(message)
            raise Refused(message)
        _reads.add(os.fsdecode(args[0]))
        return
    if event in ("os.listdir", "os.scandir") and args and isinstance(args[0], (str, bytes)):
        _lists.add(os.fsdecode(args[0]))
        return
    if event not in BLOCKED_EVENTS:
        return
    if event == "socket.connect" and args and getattr(args[0], "family", None) == 1:  # AF_UNIX inside the process
        return
    target = ""
    if event.startswith("socket.") and len(args) > 1:
        target = f" ({args[1]!r})" if event != "socket.getaddrinfo" else f" ({args[0]!r})"
    elif args:
        target = f" ({str(args[0])[:120]!r})"
    message = f"the program tried to {BLOCKED_EVENTS[event]}{target}"
    _refusals.append(message)
    raise Refused(message)


def _jsonable(value):
    """JSON for values the SDK hands back: resources by URN, secrets unwrapped, anything else as text."""
    urn = getattr(value, "urn", None)
    if urn is not None and hasattr(value, "_name"):
        return {"resourceRef": getattr(urn, "_value", None) or str(urn)}
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)


def _deserialize(struct):
    from pulumi.runtime import rpc

    return rpc.deserialize_properties(struct, keep_unknowns=True)


def _plain(value):
    """Strip the SDK's secret and unknown wrappers (unknown values become None)."""
    from pulumi.runtime import rpc

    if isinstance(value, dict):
        if value.get(rpc._special_sig_key) == rpc._special_secret_sig:
            return _plain(value.get("value"))
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if value is rpc.UNKNOWN or type(value).__name__ == "Unknown":
        return None
    return value


def _position(request, project_dir: str) -> str | None:
    """`project://<relative path>#line` of the first stack frame inside the project, as stack exports do."""
    candidates = []
    if request.HasField("sourcePosition") and request.sourcePosition.uri:
        candidates.append(request.sourcePosition)
    if request.HasField("stackTrace"):
        candidates += [f.pc for f in request.stackTrace.frames if f.HasField("pc")]
    for pos in candidates:
        rel = _project_relative(pos.uri, project_dir)
        if rel is not None:
            return f"project:///{rel}#{pos.line}"
    return None


_RELATIVE: dict[tuple[str, str], str | None] = {}


def _project_relative(uri: str, project_dir: str) -> str | None:
    """A source file's path inside the project (None: outside it, or in installed packages); cached per file."""
    key = (uri, project_dir)
    if key not in _RELATIVE:
        try:
            rel = Path(uri.removeprefix("file://")).resolve().relative_to(Path(project_dir).resolve())
            _RELATIVE[key] = None if "site-packages" in rel.parts else rel.as_posix()
        except (ValueError, OSError):
            _RELATIVE[key] = None
    return _RELATIVE[key]


def _monitor_class():
    from pulumi.runtime.mocks import MockMonitor

    class RecordingMonitor(MockMonitor):
        """A mock monitor that keeps what the engine would see: parents, providers, protect flags, positions."""

        def __init__(self, mocks, project_dir: str):
            super().__init__(mocks)
            self.project_dir = project_dir
            self.records: dict[str, dict] = {}
            self.order: list[str] = []

        def RegisterResource(self, request):  # noqa: N802 (gRPC method name)
            response = super().RegisterResource(request)
            inputs = _plain(_deserialize(request.object))
            record = {
                "urn": response.urn, "type": request.type, "custom": bool(request.custom),
                "id": response.id or None, "parent": request.parent or None, "provider": request.provider or None,
                "protect": bool(request.protect), "retainOnDelete": bool(request.retainOnDelete),
                "dependencies": list(request.dependencies), "inputs": inputs,
                "outputs": dict(inputs) if request.custom else {},
                "sourcePosition": _position(request, self.project_dir),
            }
            if request.type.startswith("pulumi:providers:") and response.id:
                record["id"] = response.id
            if response.urn not in self.records:
                self.order.append(response.urn)
            self.records[response.urn] = record
            return response

        def RegisterResourceOutputs(self, request):  # noqa: N802
            record = self.records.get(request.urn)
            if record is not None:
                record["outputs"] = _plain(_deserialize(request.outputs))
            return super().RegisterResourceOutputs(request)

    return RecordingMonitor


def _mocks_class():
    import pulumi

    class EchoMocks(pulumi.runtime.Mocks):
        """Outputs are the inputs; invokes answer with their arguments and a stable id."""

        def new_resource(self, args):
            return f"{args.name}-id", dict(args.inputs)

        def call(self, args):
            label = "-".join(str(v) for v in sorted(args.args.items()) if isinstance(v[1], str))[:80]
            return {"id": f"{args.token}-{label}" if label else args.token, **args.args}

    return EchoMocks


def _entry(program: Path) -> Path:
    return program / "__main__.py" if program.is_dir() else program


def plan(request: dict) -> dict:
    global _armed
    import pulumi
    from pulumi.runtime import mocks as mocks_module
    from pulumi.runtime import settings
    from pulumi.runtime import stack as stack_module
    from pulumi.runtime.sync_await import _sync_await

    project_dir = request["project_dir"]
    program = Path(request["program"])
    entry = _entry(program)
    if not entry.is_file():
        return {"ok": False, "reason": "no-program", "error": f"no program at {entry} (Pulumi.yaml main:)"}
    monitor = _monitor_class()(_mocks_class()(), project_dir)
    settings.ROOT.set(object())  # keeps set_mocks from making the root stack unit tests use (its late outputs
    mocks_module.set_mocks(monitor.mocks, project=request["project"], stack=request["stack"], preview=False,
                           monitor=monitor)  # would race with the program's); the program gets its own below
    settings.ROOT.set(None)
    pulumi.runtime.set_all_config(request.get("config") or {}, request.get("secret_keys") or [])
    program_dir = entry.parent
    sys.path.insert(0, str(program_dir))
    os.chdir(program_dir)

    def run():
        runpy.run_path(str(entry), run_name="__main__")

    _armed = True
    try:
        _sync_await(stack_module.run_in_stack(run))
    finally:
        _armed = False
    if _refusals:
        return {"ok": False, "reason": "refused", "error": _refusals[0]}
    resources = [monitor.records[u] for u in monitor.order]
    stack_urn = next((u for u, r in monitor.records.items() if r["type"] == "pulumi:pulumi:Stack"), None)
    if stack_urn is None:  # the mock monitor does not record the root stack: add it, as exports do
        root = pulumi.runtime.get_root_resource()
        urn = _sync_await(root.urn.future()) if root is not None else None
        outputs = monitor.records.get(urn, {}).get("outputs", {}) if urn else {}
        resources.insert(0, {"urn": urn, "type": "pulumi:pulumi:Stack", "custom": False, "outputs": outputs})
    resources += _default_providers(resources, request)
    deps = _dependencies()
    resources.sort(key=lambda r: (r["type"] != "pulumi:pulumi:Stack", r.get("urn") or ""))  # registration order
    return {"ok": True, "resources": resources,  # is asynchronous: sorted, the same program gives the same plan
            "reads": deps[0], "lists": deps[1], "absent": deps[2]}


def _dependencies() -> tuple[list[str], list[str], list[str]]:
    """The program's own files and data it read (the interpreter's and installed packages' files excluded)."""
    system = tuple({os.path.realpath(p) for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}) \
        + (os.path.dirname(os.path.realpath(__file__)),)

    def source(path: str) -> str:
        """A module imported from its bytecode cache depends on its source file."""
        path = os.path.abspath(path)
        folder, name = os.path.split(path)
        if name.endswith(".pyc") and os.path.basename(folder) == "__pycache__":
            return os.path.join(os.path.dirname(folder), name.split(".")[0] + ".py")
        return path

    def keep(path: str) -> bool:
        real = os.path.realpath(path)
        return not real.startswith(system) and "site-packages" not in real \
            and not real.startswith(("/proc/", "/dev/", "/sys/"))

    files = {source(p) for p in _reads}
    listed = {os.path.abspath(p) for p in _lists if keep(p) and not p.endswith("__pycache__")}
    # a listed folder that does not exist (a sys.path entry such as an editable install's path hook, resolved
    # against the program's folder) is a dependency by its absence, like a file looked for and not found
    return sorted(p for p in files if keep(p) and os.path.isfile(p)), \
        sorted(p for p in listed if os.path.isdir(p)), \
        sorted({p for p in files if keep(p) and not os.path.exists(p) and not p.endswith(".pyc")} |
               {p for p in listed if not os.path.exists(p)})


def _default_providers(resources: list[dict], request: dict) -> list[dict]:
    """Default providers, as the engine makes them: one per package, configured from `<package>:<key>` config.

    Resources without an explicit provider get `provider` set to it, so their endpoint can be judged."""
    made: dict[str, dict] = {}
    prefix = f"urn:pulumi:{request['stack']}::{request['project']}::pulumi:providers:"
    for res in resources:
        if not res.get("custom") or res.get("provider") or res["type"].startswith("pulumi:providers:"):
            continue
        package = res["type"].split(":", 1)[0]
        if package not in made:
            inputs = {}
            for key, value in (request.get("config") or {}).items():
                ns, _, name = key.partition(":")
                if ns == package and name:
                    inputs[name] = "[secret]" if key in (request.get("secret_keys") or []) else _maybe_json(value)
            made[package] = {"urn": f"{prefix}{package}::default", "type": f"pulumi:providers:{package}",
                             "custom": True, "id": "default", "parent": None, "provider": None, "protect": False,
                             "inputs": inputs, "outputs": dict(inputs), "sourcePosition": None, "default": True}
        res["provider"] = f"{made[package]['urn']}::default"
    return list(made.values())


def _maybe_json(value):
    try:
        return json.loads(value) if isinstance(value, str) and value[:1] in "[{" else value
    except ValueError:
        return value


def _failure(exc: BaseException) -> dict:
    if _refusals:
        return {"ok": False, "reason": "refused", "error": _refusals[0]}
    if isinstance(exc, ModuleNotFoundError) and exc.name == "pulumi":
        return {"ok": False, "reason": "missing-module",
                "error": "module 'pulumi' is not installed: the sovstack[pulumi] extra is needed for offline plans "
                         "of Pulumi programs (`pipx inject sovstack 'sovstack[pulumi]'` or "
                         "`pip install 'sovstack[pulumi]'`)"}
    if isinstance(exc, ModuleNotFoundError):
        return {"ok": False, "reason": "missing-module",
                "error": f"module {exc.name!r} is not installed in sovstack's environment (the program imports it)"}
    if isinstance(exc, MemoryError):
        return {"ok": False, "reason": "memory", "error": "the program ran out of memory (limit reached)"}
    tb = traceback.extract_tb(exc.__traceback__)
    where = next((f"{Path(f.filename).name}:{f.lineno}" for f in reversed(tb) if "site-packages" not in f.filename),
                 None)
    text = str(exc).strip().splitlines()
    message = f"{type(exc).__name__}: {text[0] if text else ''}".strip().rstrip(":")
    return {"ok": False, "reason": "exception", "error": f"the program raised {message}"
            + (f" (at {where})" if where else "")}


def _confine(request: dict) -> list[str]:
    """Resource limits and, where the kernel allows it, a network namespace with nothing but loopback."""
    import resource

    applied = []
    memory = int(request.get("memory_mb") or 0) * 1024 * 1024
    if memory:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
        applied.append("memory")
    cpu = int(request.get("cpu_s") or 0)
    if cpu:
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        applied.append("cpu")
    if _unshare_network():
        applied.append("netns")
    return applied


def _unshare_network() -> bool:
    if not hasattr(os, "unshare"):
        return False
    try:
        os.unshare(os.CLONE_NEWNET)
        return True
    except OSError:
        pass
    uid, gid = os.getuid(), os.getgid()
    try:  # unprivileged: a user namespace that maps us to ourselves, then the network namespace
        os.unshare(os.CLONE_NEWUSER | os.CLONE_NEWNET)
        Path("/proc/self/setgroups").write_text("deny")
        Path("/proc/self/uid_map").write_text(f"{uid} {uid} 1")
        Path("/proc/self/gid_map").write_text(f"{gid} {gid} 1")
        return True
    except OSError:
        return False


def run_request(request: dict, out) -> None:
    """Confine this process, plan, and write the JSON answer to `out` (every failure is an answer too)."""
    isolation = _confine(request) + ["audit-hook"]
    real_stdout = sys.stdout
    sys.stdout = sys.stderr  # the program's prints must not corrupt the JSON answer
    try:
        result = plan(request)
    except BaseException as exc:  # noqa: BLE001 - every failure is reported to the parent as data
        result = _failure(exc)
    sys.stdout = real_stdout
    result["isolation"] = isolation
    out.write(json.dumps(result, default=_jsonable))
    out.flush()


PRELOAD = ("pulumi", "pulumi.runtime", "pulumi.runtime.mocks", "pulumi.runtime.stack", "pulumi.runtime.rpc",
           "pulumi_openstack", "pulumi_minio", "pulumi_proxmoxve", "pulumi_vsphere", "pulumi_openstack.compute",
           "pulumi_openstack.networking", "pulumi_openstack.blockstorage")


def serve() -> int:
    """Zygote mode: import the SDK once, then fork one confined child per request (one JSON line each on
    stdin: the request plus "result_path"); answer each with a JSON line: exit status, signal, timeout."""
    import importlib
    import select
    import signal
    import time

    for name in PRELOAD:
        try:
            importlib.import_module(name)
        except ImportError:
            pass
    current: list[int] = []

    def stop(signum, frame):  # SIGTERM from the parent: the running plan dies with its group, then the zygote
        for pid in current:
            try:
                os.killpg(pid, signal.SIGKILL)
            except OSError:
                pass
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the parent, which stops us with SIGTERM
    sys.addaudithook(_audit)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        read_end, write_end = os.pipe()  # closed by the child when it exits: the zygote's way to wait with a limit
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            os.setsid()  # its own process group: whatever it leaves behind is killed with it
            os.close(read_end)
            devnull = os.open(os.devnull, os.O_RDONLY)
            os.dup2(devnull, 0)  # the program gets no channel to the zygote's requests
            code = 0
            try:
                with open(request["result_path"], "w", encoding="utf-8") as out:
                    run_request(request, out)
            except BaseException:  # noqa: BLE001
                code = 3
            finally:
                os._exit(code)
        current[:] = [pid]
        os.close(write_end)
        deadline = time.monotonic() + float(request.get("timeout_s") or 60)
        timed_out = False
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                timed_out = True
                os.kill(pid, signal.SIGKILL)
                break
            ready, _, _ = select.select([read_end], [], [], min(left, 1.0))
            if ready and not os.read(read_end, 1):
                break
        os.close(read_end)
        try:
            os.killpg(pid, signal.SIGKILL)  # the child and anything it started in its group
        except OSError:
            pass
        _, status = os.waitpid(pid, 0)
        current.clear()
        answer = {"timeout": timed_out, "exit": os.waitstatus_to_exitcode(status)}
        sys.stdout.write(json.dumps(answer) + "\n")
        sys.stdout.flush()
    return 0


def main() -> int:
    sys.dont_write_bytecode = True  # the plan writes nothing, not even bytecode caches
    if sys.argv[1:] == ["--zygote"]:
        return serve()
    request = json.loads(sys.stdin.read())
    sys.addaudithook(_audit)
    run_request(request, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
