#!/usr/bin/python3
"""sovstack verify probe: collects live compliance evidence on one host and prints it as JSON.

Run by playbooks/verify.yml (ansible.builtin.script) with one argument, the base64 of a JSON spec built
from what the roles promise. Standard library only. Read-only apart from short TCP handshakes:

  egress    tries a TCP connection to every foreign messenger host on the deny list (no data is sent);
            passes when none connects (refused, blocked, timed out or not resolvable)
  volumes   the data folders exist on a local file system (not NFS, CIFS, ...), on the expected mount
  trust     the national CA certificates are in the system trust bundle (by SHA-256 of the DER)
  foreign   no foreign-messenger token, API URL, notifier config or credential setting on disk
  services  the expected services run (systemd or sysvinit) and the expected ports listen
  backup    on storage nodes, the status file of the last dump
"""

from __future__ import annotations

import base64
import concurrent.futures
import errno
import hashlib
import json
import os
import re
import socket
import ssl
import subprocess
import sys

NETWORK_FS = {"nfs", "nfs4", "cifs", "smb3", "smbfs", "glusterfs", "ceph", "fuse.sshfs", "fuse.s3fs",
              "fuse.rclone", "fuse.glusterfs", "9p", "afs", "lustre", "davfs", "fuse.gcsfuse", "fuse.goofys"}
MAX_FILE = 1024 * 1024


def check(cid: str, passed: bool, message: str) -> dict:
    return {"id": cid, "passed": bool(passed), "message": message}


# ---- egress ---------------------------------------------------------------------------------------
def _connect(addr: str, port: int, timeout: float) -> tuple[str, str]:
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    s = socket.socket(family, socket.SOCK_STREAM)
    s.settimeout(timeout)
    try:
        s.connect((addr, port))
        return "connected", "TCP handshake completed"
    except TimeoutError:
        return "timeout", f"no answer within {timeout:g}s"
    except ConnectionRefusedError:
        return "refused", "connection refused"
    except OSError as err:
        if err.errno in (errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EACCES, errno.EPERM):
            return "blocked", os.strerror(err.errno)
        return "blocked", str(err)
    finally:
        s.close()


def _probe_host(messenger: str, host: str, port: int, timeout: float) -> dict:
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError) as err:
        return {"messenger": messenger, "host": host, "port": port, "addresses": [], "result": "unresolved",
                "detail": str(err)}
    addrs = sorted({i[4][0] for i in infos})
    results = [(a, *_connect(a, port, timeout)) for a in addrs]
    connected = [r for r in results if r[1] == "connected"]
    chosen = connected[0] if connected else results[0]
    return {"messenger": messenger, "host": host, "port": port, "addresses": addrs, "result": chosen[1],
            "detail": f"{chosen[0]}: {chosen[2]}"}


def egress(spec: dict) -> tuple[list[dict], dict, bool]:
    ports = spec.get("egress_ports") or [443]
    timeout = float(spec.get("egress_timeout", 3))
    jobs = [(m, h, p) for m, hosts in sorted(spec.get("deny_hosts", {}).items()) for h in hosts for p in ports]
    with concurrent.futures.ThreadPoolExecutor(max_workers=16) as pool:
        out = list(pool.map(lambda j: _probe_host(*j, timeout), jobs))
    table = spec.get("egress_table")
    loaded = bool(table) and subprocess.run(["nft", "list", "table", "inet", table], capture_output=True
                                            ).returncode == 0
    bad = [e for e in out if e["result"] == "connected"]
    if not jobs:
        c = check("egress.foreign_refused", False, "no foreign messenger hosts to probe (egress_guard not applied?)")
    elif bad:
        c = check("egress.foreign_refused", False, "outbound connection to foreign messenger host succeeded: " +
                  ", ".join(f"{e['host']}:{e['port']} ({e['detail'].split(':')[0]})" for e in bad))
    else:
        c = check("egress.foreign_refused", True, f"{len(out)} foreign messenger endpoints refused or unreachable"
                  + ("" if loaded else "; WARNING: egress table not loaded"))
    return out, c, loaded


# ---- volumes --------------------------------------------------------------------------------------
def _mount_of(path: str) -> dict | None:
    proc = subprocess.run(["findmnt", "-J", "-o", "TARGET,SOURCE,FSTYPE", "-T", path], capture_output=True,
                          text=True)
    if proc.returncode != 0:
        return None
    fs = json.loads(proc.stdout)["filesystems"][0]
    return {"target": fs.get("target", ""), "source": fs.get("source", ""), "fstype": fs.get("fstype", "")}


def volumes(spec: dict) -> tuple[list[dict], dict]:
    out, problems = [], []
    for item in spec.get("local_paths", []):
        path, want = item["path"], item.get("mount") or ""
        rec = {"path": path, "expected_mount": want, "exists": os.path.isdir(path), "mount": "", "source": "",
               "fstype": "", "local": False, "passed": False}
        m = _mount_of(path) if rec["exists"] else None
        if m:
            rec.update(mount=m["target"], source=m["source"], fstype=m["fstype"],
                       local=m["fstype"] not in NETWORK_FS and not m["fstype"].startswith("fuse."))
        rec["passed"] = rec["exists"] and rec["local"] and (not want or rec["mount"] == want)
        if not rec["exists"]:
            problems.append(f"{path} does not exist")
        elif not rec["local"]:
            problems.append(f"{path} is on {rec['fstype'] or 'an unknown file system'} ({rec['source']}), not local")
        elif want and rec["mount"] != want:
            problems.append(f"{path} is on {rec['mount']}, not on the data volume {want}")
        out.append(rec)
    msg = "; ".join(problems) if problems else f"{len(out)} data folders on local volumes"
    return out, check("storage.local_volume", not problems, msg)


# ---- trust store ----------------------------------------------------------------------------------
PEM_RE = re.compile(r"-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+?-----END CERTIFICATE-----")


def _fingerprints(text: str) -> list[str]:
    return [hashlib.sha256(ssl.PEM_cert_to_DER_cert(m.group(0))).hexdigest() for m in PEM_RE.finditer(text)]


def trust(spec: dict) -> tuple[list[dict], dict]:
    bundle_path = spec.get("ca_bundle", "/etc/ssl/certs/ca-certificates.crt")
    try:
        with open(bundle_path, encoding="ascii", errors="replace") as f:
            bundle = set(_fingerprints(f.read()))
    except OSError:
        bundle = set()
    out = []
    for name, pem in spec.get("ca_certificates", []):
        for fp in _fingerprints(pem) or ["(not a PEM certificate)"]:
            out.append({"name": name, "sha256": fp, "installed": fp in bundle})
    missing = [c["name"] for c in out if not c["installed"]]
    if not out:
        return out, check("trust.national_ca", False, "no national CA certificates were given to check")
    if missing:
        return out, check("trust.national_ca", False, f"not in {bundle_path}: {', '.join(missing)}")
    return out, check("trust.national_ca", True, f"{len(out)} national CA certificates in {bundle_path}")


# ---- foreign messenger artefacts on disk ----------------------------------------------------------
def _rules(messengers: dict, credential_words: list[str]) -> list[tuple[str, str, re.Pattern]]:
    rules = []
    cred = "|".join(re.escape(c) for c in credential_words)
    for key, m in sorted(messengers.items()):
        name = m.get("name", key)
        for rx in m.get("token_patterns", []):
            rules.append((name, "token", re.compile(rx)))
        for endpoint in m.get("endpoints", []):
            host = endpoint["host"] if isinstance(endpoint, dict) else endpoint
            h = re.escape(host.lstrip("."))
            prefix = r"[A-Za-z0-9.-]+\." if host.startswith(".") else r"(?:[A-Za-z0-9-]+\.)*"
            rules.append((name, "endpoint", re.compile(rf"\b(?:https?|wss?)://{prefix}{h}(?![A-Za-z0-9.-])",
                                                      re.I)))
        for recv in m.get("alertmanager_receivers", []):
            rules.append((name, "receiver", re.compile(rf"^\s*-?\s*{re.escape(recv)}\s*:")))
        for w in m.get("name_words", []) if cred else []:
            rules.append((name, "credential", re.compile(
                rf"\b[A-Za-z0-9_]*{re.escape(w)}[A-Za-z0-9_]*(?:{cred})[A-Za-z0-9_]*\s*[=:]", re.I)))
    return rules


def _mask(text: str) -> str:
    return re.sub(r"([A-Za-z0-9_-]{4})[A-Za-z0-9_:-]{12,}", r"\1****", text.strip())[:200]


def _files(roots: list[str], exclude: list[str]):
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            dirnames[:] = [d for d in dirnames
                           if not any(os.path.join(dirpath, d).startswith(e) for e in exclude)]
            for fn in filenames:
                p = os.path.join(dirpath, fn)
                if any(p.startswith(e) for e in exclude) or os.path.islink(p):
                    continue
                yield p


def foreign_scan(spec: dict) -> tuple[list[dict], dict, int]:
    foreign = spec.get("foreign", {})
    rules = _rules(foreign.get("messengers", {}), foreign.get("credential_words", []))
    findings, scanned = [], 0
    for path in _files(spec.get("scan_paths", []), spec.get("scan_exclude", [])):
        try:
            if not os.path.isfile(path) or os.path.getsize(path) > MAX_FILE:
                continue
            with open(path, "rb") as f:
                data = f.read()
        except OSError:
            continue
        if b"\0" in data[:8192]:
            continue
        scanned += 1
        text = data.decode("utf-8", "replace")
        for lineno, line in enumerate(text.splitlines(), 1):
            for name, kind, rx in rules:
                if rx.search(line):
                    findings.append({"path": path, "line": lineno, "messenger": name, "kind": kind,
                                     "excerpt": _mask(line)})
                    break
    if findings:
        first = {}
        for f in findings:
            first.setdefault(f["path"], f)
        msg = "foreign-messenger notifier or token on disk: " + ", ".join(
            f"{p}:{f['line']} ({f['messenger']} {f['kind']})" for p, f in sorted(first.items()))
        return findings, check("foreign.none_on_disk", False, msg), scanned
    return findings, check("foreign.none_on_disk", True, f"{scanned} files scanned, no foreign-messenger "
                                                         "tokens or notifier configs"), scanned


# ---- services -------------------------------------------------------------------------------------
def _running(name: str, mgr: str) -> tuple[bool, str]:
    if mgr == "systemd":
        cmd = ["systemctl", "is-active", "--quiet", name]
    else:
        cmd = ["/etc/init.d/" + name, "status"]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as err:
        return False, str(err)
    return proc.returncode == 0, (proc.stdout + proc.stderr).strip()[:200] or f"exit {proc.returncode}"


def _listening_ports() -> set[int]:
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table) as f:
                for line in f.readlines()[1:]:
                    parts = line.split()
                    if parts[3] == "0A":  # LISTEN
                        ports.add(int(parts[1].rsplit(":", 1)[1], 16))
        except OSError:
            pass
    return ports


def services(spec: dict) -> tuple[list[dict], list[dict], dict]:
    mgr = spec.get("service_mgr", "systemd")
    svc = []
    for name in spec.get("services", []):
        ok, detail = _running(name, mgr)
        svc.append({"name": name, "running": ok, "detail": detail})
    open_ports = _listening_ports()
    ports = [{"port": int(p), "listening": int(p) in open_ports} for p in spec.get("listening", [])]
    down = [s["name"] for s in svc if not s["running"]] + [f"port {p['port']}" for p in ports
                                                            if not p["listening"]]
    msg = ("not running: " + ", ".join(down)) if down else f"{len(svc)} services up, {len(ports)} ports listening"
    return svc, ports, check("services.up", not down, msg)


def backup(spec: dict) -> tuple[dict | None, dict | None]:
    path = spec.get("backup_status")
    if not path:
        return None, None
    try:
        with open(path) as f:
            data = json.load(f)
        return {"status_file": path, "present": True, "time": data.get("time"), "dumps": data.get("dumps", []),
                "restore_checked": bool(data.get("restore_checked"))}, None
    except (OSError, ValueError):
        return {"status_file": path, "present": False, "time": None, "dumps": [], "restore_checked": False}, None


def main(argv: list[str]) -> int:
    spec = json.loads(base64.b64decode(argv[1]))
    eg, eg_check, loaded = egress(spec)
    vols, vol_check = volumes(spec)
    cas, ca_check = trust(spec)
    found, found_check, scanned = foreign_scan(spec)
    svc, ports, svc_check = services(spec)
    bk, _ = backup(spec)
    checks = [eg_check, vol_check, ca_check, found_check, svc_check]
    out = {"hostname": socket.gethostname(), "passed": all(c["passed"] for c in checks), "checks": checks,
           "egress": eg, "egress_rules_loaded": loaded, "volumes": vols, "ca_certificates": cas,
           "foreign_findings": found, "files_scanned": scanned, "services": svc, "listening": ports,
           "backup": bk}
    json.dump(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
