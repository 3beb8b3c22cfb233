"""atheris fuzz target for sovstack's config loaders: the YAML loader, the per-kind parsers (YAML, JSON, XML,
HCL, env, Pulumi stack config), the waiver file loader and the region stack config model (infra/config.py).

Every input must end in data or in the loader's own, named error; anything else (another exception, a crash, a
hang) is a finding. Bounded run, as CI does it:

    .venv/bin/python fuzz/fuzz_loaders.py -runs=4000 -max_len=4096
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "infra"))

with atheris.instrument_imports():
    import yaml

    import config as stack_config  # infra/config.py
    from sovstack.catalogue import load_default
    from sovstack.collect import discover, parse, yamlload
    from sovstack.waivers import WaiverError
    from sovstack.waivers import load as load_waivers

SEEDS = {0: ["examples/noncompliant/monitoring/alertmanager.yml", "Pulumi.udmurtia.yaml"],
         1: ["examples/noncompliant/terraform/main.tf", "examples/compliant/pulumi/export.json",
             "examples/noncompliant/app/bot.env"],
         2: ["examples/waivers.example.yaml"],
         3: []}


def write_seeds(folder: Path) -> None:
    """A seed corpus from the repository's own files: the choice byte, then the file."""
    folder.mkdir(parents=True, exist_ok=True)
    for choice, files in SEEDS.items():
        for i, rel in enumerate(files):
            if (ROOT / rel).is_file():
                (folder / f"seed-{choice}-{i}").write_bytes(bytes([choice]) + (ROOT / rel).read_bytes())
    stack = {"sovstack:platform": "proxmox", "sovstack:site": "udmurtia-gov-dc1", "sovstack:region": "x",
             "sovstack:botServers": {"count": 2}}
    (folder / "seed-3-0").write_bytes(bytes([3]) + json.dumps(stack).encode())

NAMES = ["values.yaml", "state.json", "zabbix.xml", "main.tf", "bot.env", "Pulumi.dev.yaml", "site.yml"]
CATALOGUE = load_default()
WORK = Path(tempfile.mkdtemp(prefix="sovstack-fuzz-"))
TODAY = dt.date(2026, 6, 1)


def one_input(data: bytes) -> None:
    fdp = atheris.FuzzedDataProvider(data)
    choice = fdp.ConsumeIntInRange(0, 3)
    text = fdp.ConsumeUnicodeNoSurrogates(fdp.remaining_bytes())
    if choice == 0:
        try:
            yamlload.load(text)
        except (yaml.YAMLError, yamlload.YamlLimitError):
            pass
    elif choice == 1:
        name = NAMES[len(text) % len(NAMES)]
        (WORK / name).write_text(text, encoding="utf-8")
        result = parse.read(discover.Candidate(path=WORK / name, rel=name, root=WORK))
        assert isinstance(result, (parse.Document, parse.Skipped, parse.ParseError)), type(result)
    elif choice == 2:
        path = WORK / "sovstack-waivers.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_waivers(path, CATALOGUE, TODAY)
        except WaiverError as exc:
            assert str(path) in str(exc)
    else:
        try:
            mapping = json.loads(text)
        except ValueError:
            mapping = {"sovstack:botServers": text, "sovstack:platform": text[:20], "sovstack:site": text[-20:]}
        if not isinstance(mapping, dict):
            mapping = {"sovstack:network": mapping}
        try:
            stack_config.load(mapping, "fuzz")
        except stack_config.ConfigError as exc:
            assert "Pulumi.fuzz.yaml" in str(exc)


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--write-seeds":
        write_seeds(Path(sys.argv[2]))
        return
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
