"""Hand-off to Ansible: an inventory from a stack's `inventory` output (offline plan, stack export, stack output)."""

from __future__ import annotations

import ipaddress
import json
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sovstack.collect import discover, parse
from sovstack.collect.pulumiplan import plan as pulumi_plan
from sovstack.collect.pulumiplan import project as pulumi_project

ROLE_GROUPS = {"bot_server": "bot_servers", "storage": "storage"}
NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$")


class InventoryError(Exception):
    """The inventory cannot be produced; the message names the source and the problem."""


class Host(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    address: str
    role: str
    site: str

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not NAME.match(v):
            raise ValueError(f"{v!r} is not a valid host name")
        return v

    @field_validator("address")
    @classmethod
    def _address(cls, v: str) -> str:
        ipaddress.ip_address(v)
        return v


class StackInventory(BaseModel):
    """The `inventory` output a region program exports (see infra/__main__.py)."""

    model_config = ConfigDict(extra="forbid")
    region: str
    site: str
    platform: str
    hosts: list[Host] = Field(min_length=1)
    vars: dict[str, str | int | bool | None] = Field(default_factory=dict)


def _validate(raw: Any, source: str) -> StackInventory:
    if raw is None:
        raise InventoryError(f"{source}: the stack has no `inventory` output")
    try:
        return StackInventory.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InventoryError(f"{source}: inventory output {where}: {first['msg']}") from exc


def from_export(path: Path) -> tuple[StackInventory, str]:
    """From `pulumi stack export` (the root stack's outputs) or `pulumi stack output --json`."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InventoryError(f"{path}: cannot read: {exc}") from exc
    except ValueError as exc:
        raise InventoryError(f"{path}: not JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise InventoryError(f"{path}: expected a JSON object")
    if "inventory" in data:
        return _validate(data["inventory"], str(path)), "stack output"
    deployment = data.get("deployment") if isinstance(data.get("deployment"), dict) else {}
    for res in deployment.get("resources") or []:
        if isinstance(res, dict) and res.get("type") == "pulumi:pulumi:Stack":
            return _validate((res.get("outputs") or {}).get("inventory"), str(path)), "stack export"
    raise InventoryError(f"{path}: neither a stack export (no pulumi:pulumi:Stack resource) nor stack outputs")


def from_plan(project_dir: Path, stack: str, limits: pulumi_plan.Limits | None = None) -> tuple[StackInventory, str]:
    """Runs the offline plan of one stack and takes its `inventory` output."""
    docs = []
    for name in (*pulumi_project.PROJECT_NAMES, f"Pulumi.{stack}.yaml", f"Pulumi.{stack}.yml"):
        path = project_dir / name
        if path.is_file():
            read = parse.read(discover.Candidate(path=path, rel=name, root=project_dir))
            if isinstance(read, parse.ParseError):
                raise InventoryError(f"{project_dir / read.rel}: {read.reason}")
            if not isinstance(read, parse.Skipped):
                docs.append(read)
    projects, problems = pulumi_project.find(docs)
    if problems:
        raise InventoryError(f"{project_dir / problems[0][0]}: {problems[0][1]}")
    if not projects:
        raise InventoryError(f"{project_dir}: no Pulumi.yaml here")
    chosen = next((s for s in projects[0].stacks if s.name == stack), None)
    if chosen is None:
        raise InventoryError(f"{project_dir}: no stack file Pulumi.{stack}.yaml")
    result = pulumi_plan.run_stack(projects[0], chosen, limits or pulumi_plan.Limits())
    if isinstance(result, pulumi_plan.PlanError):
        raise InventoryError(f"{project_dir / result.rel}: {result.reason}")
    root = next((r for r in result.data[0]["deployment"]["resources"] if r.get("type") == "pulumi:pulumi:Stack"), {})
    return _validate((root.get("outputs") or {}).get("inventory"), str(project_dir / chosen.rel)), "offline plan"


def _group(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def render(inv: StackInventory, stack: str, source: str) -> str:
    """A YAML inventory: groups by role (bot_servers, storage) and by site (site_<id>)."""
    children: dict[str, dict] = {}
    for host in inv.hosts:
        group = ROLE_GROUPS.get(host.role, _group(host.role))
        entry = {"ansible_host": host.address, "sovstack_site": host.site, "sovstack_role": host.role}
        children.setdefault(group, {"hosts": {}})["hosts"][host.name] = entry
        children.setdefault(f"site_{_group(host.site)}", {"hosts": {}})["hosts"][host.name] = {}
    for group in ROLE_GROUPS.values():
        children.setdefault(group, {"hosts": {}})
    variables = {"sovstack_region": inv.region, "sovstack_site": inv.site, "sovstack_platform": inv.platform,
                 "sovstack_stack": stack, **{k: v for k, v in inv.vars.items() if v is not None}}
    header = (f"# Ansible inventory of Pulumi stack {stack} ({inv.region}), written by `sovstack inventory` "
              f"from the {source}.\n# Regenerate it instead of editing: the stack is the source of truth.\n")
    body = {"all": {"vars": dict(sorted(variables.items())), "children": dict(sorted(children.items()))}}
    return header + yaml.safe_dump(body, sort_keys=False, allow_unicode=True, default_flow_style=False)
