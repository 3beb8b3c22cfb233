"""The hostile-input corpus: files built to crash, hang, exhaust or trick a checker, each with what sovstack must
say about it. Generated on demand (some are megabytes, some are links), so the repository holds only this code.

Every case is (name, writer, reported path, expected error text); `writer(folder)` creates the hostile input in
`folder`. An expected text of None means the input is valid and must be evaluated without running anything: a
Jinja "sandbox escape" is only text to sovstack, which parses templates and never renders them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

SENTINEL = "roles/notify/tasks/main.yml"  # a plain violation that must still be reported beside every case
SENTINEL_TEXT = "- name: Notify the duty chat\n  community.general.telegram:\n    token: x\n    msg: deployed\n"

PROGRAM_DIR = "stack"


def _write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())


def _pulumi(program: str) -> Callable[[Path], None]:
    def write(folder: Path) -> None:
        base = folder / PROGRAM_DIR
        _write(base / "Pulumi.yaml", "name: hostile\nruntime: python\n")
        _write(base / "Pulumi.prod.yaml", "config: {}\n")
        _write(base / "__main__.py", program)
    return write


def _file(name: str, data: str | bytes) -> Callable[[Path], None]:
    return lambda folder: _write(folder / name, data)


def _alias_bomb() -> str:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\n"


def _symlink_loop(folder: Path) -> None:
    os.symlink("loop-b", folder / "loop-a")
    os.symlink("loop-a", folder / "loop-b")


def _link_outside(folder: Path) -> None:
    target = folder.parent / f"{folder.name}-outside.yml"
    target.write_text(SENTINEL_TEXT)
    os.symlink(target, folder / "outside.yml")


CASES: list[tuple[str, Callable[[Path], None], str, str | None]] = [
    # (id, writer, reported path, expected text in the error, or None: evaluated, nothing run)
    ("yaml-alias-bomb", _file("bomb.yaml", _alias_bomb()), "bomb.yaml", "alias"),
    ("yaml-deep-flow", _file("deep.yaml", "k: " + "[" * 300_000 + "]" * 300_000 + "\n"), "deep.yaml", "nested deeper"),
    ("yaml-deep-block", _file("indent.yml", "".join("  " * i + f"k{i}:\n" for i in range(2000))),
     "indent.yml", "nested deeper"),
    ("json-deep", _file("state.json", "[" * 300_000 + "]" * 300_000), "state.json", "nested deeper"),
    ("hcl-deep", _file("main.tf", "locals {\n  x = " + "[" * 50_000 + "]" * 50_000 + "\n}\n"), "main.tf", "HCL"),
    ("python-deep", _file("prog.py", "import pulumi\nx = " + "(" * 100_000 + ")" * 100_000 + "\n"),
     "prog.py", "cannot parse"),
    ("python-unary-chain", _file("prog2.py", "import pulumi\nx = " + "-" * 1_000_000 + "1\n"),
     "prog2.py", "cannot parse"),
    ("over-size", _file("huge.yaml", "k: " + "x" * (6 * 1024 * 1024) + "\n"), "huge.yaml", "limit"),
    ("nul-bytes", _file("vars.yml", b"key: value\x00\x00\x01\x02"), "vars.yml", "NUL"),
    ("invalid-utf8", _file("main2.tf", b'resource "x" "y" {\n  name = "caf\xe9\xff"\n}\n'), "main2.tf", "UTF-8"),
    ("utf16-file", _file("utf16.yaml", "k: значение\n".encode("utf-16")), "utf16.yaml", "UTF-8"),
    ("mixed-encoding", _file("mixed.yml", "a: привет\n".encode() + "b: привет\n".encode("cp1251")), "mixed.yml",
     "UTF-8"),
    ("xml-billion-laughs", _file("zabbix.xml", '<?xml version="1.0"?><!DOCTYPE z [<!ENTITY a "aaaaaaaaaa">'
                                               '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
                                               "<zabbix_export><media_types><media_type><name>&b;</name>"
                                               "</media_type></media_types></zabbix_export>"), "zabbix.xml", "XML"),
    ("xml-external-entity", _file("zbx.xml", '<?xml version="1.0"?><!DOCTYPE z [<!ENTITY e SYSTEM '
                                             '"file:///etc/passwd">]><zabbix_export>&e;</zabbix_export>'),
     "zbx.xml", "XML"),
    ("symlink-loop", _symlink_loop, "loop-a", "loop"),
    ("link-outside", _link_outside, "outside.yml", "outside the scanned tree"),
    ("jinja-escape-template", _file("templates/notify.conf.j2",
                                    "{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch "
                                    "PWNED') }}\n"), "templates/notify.conf.j2", None),
    ("jinja-escape-playbook", _file("playbooks/site.yml",
                                    "- hosts: all\n  tasks:\n    - ansible.builtin.debug:\n        msg: \"{{ lipsum"
                                    ".__globals__['os'].popen('touch PWNED').read() }}\"\n"), "playbooks/site.yml",
     None),
    ("pulumi-infinite-loop", _pulumi("while True:\n    pass\n"), f"{PROGRAM_DIR}/Pulumi.prod.yaml", "time limit"),
    ("pulumi-unbounded-memory", _pulumi("chunks = []\nwhile True:\n    chunks.append(bytearray(512 * 1024 * 1024))\n"),
     f"{PROGRAM_DIR}/Pulumi.prod.yaml", "memory"),
    ("pulumi-network", _pulumi("import urllib.request\nurllib.request.urlopen('http://192.0.2.10/', timeout=2)\n"),
     f"{PROGRAM_DIR}/Pulumi.prod.yaml", "tried to resolve"),
    ("pulumi-raw-socket", _pulumi("import socket\ns = socket.socket()\ntry:\n    s.connect(('192.0.2.10', 443))\n"
                                  "except OSError:\n    pass\n"), f"{PROGRAM_DIR}/Pulumi.prod.yaml",
     "network connection"),
    ("pulumi-subprocess", _pulumi("import os\nos.system('touch PWNED')\n"), f"{PROGRAM_DIR}/Pulumi.prod.yaml",
     "run a command"),
    ("pulumi-fork", _pulumi("import os\nif os.fork() == 0:\n    os._exit(0)\n"), f"{PROGRAM_DIR}/Pulumi.prod.yaml",
     "fork"),
    ("pulumi-writes-files", _pulumi("open('PWNED', 'w').write('x')\n"), f"{PROGRAM_DIR}/Pulumi.prod.yaml",
     "write a file"),
    ("pulumi-exit", _pulumi("import sys\nsys.exit(0)\n"), f"{PROGRAM_DIR}/Pulumi.prod.yaml", "SystemExit"),
    ("pulumi-deletes-files", _pulumi("import os\nos.remove(os.path.abspath('Pulumi.prod.yaml'))\n"),
     f"{PROGRAM_DIR}/Pulumi.prod.yaml", "delete a file"),
    ("pulumi-forkpty", _pulumi("import os\npid, fd = os.forkpty()\nif pid == 0:\n    os._exit(0)\n"),
     f"{PROGRAM_DIR}/Pulumi.prod.yaml", "fork"),
    ("yaml-deep-behind-apostrophes", _file("apos.yaml", "a: [x'y, " + "[" * 300_000 + "]" * 300_000 + ", z'w]\n"),
     "apos.yaml", "nested deeper"),
    ("jinja-escape-attr-filter", _file("templates/attr.conf.j2", "{{ ''|attr('\\x5f\\x5fclass\\x5f\\x5f') }}\n"),
     "templates/attr.conf.j2", None),
    ("jinja-escape-concatenated", _file("templates/concat.conf.j2", "{{ x['__cla' ~ 'ss__'] }}\n"),
     "templates/concat.conf.j2", None),
    ("pulumi-ctypes", _pulumi("import ctypes\nctypes.CDLL('libc.so.6').system(b'touch PWNED')\n"),
     f"{PROGRAM_DIR}/Pulumi.prod.yaml", "native code"),
]
