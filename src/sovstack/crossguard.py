"""The catalogue's Pulumi rules as CrossGuard stack policies, for `pulumi preview --policy-pack policies/crossguard`.

The rules themselves live in `sovstack.rules.pulumigraph` (the same code `sovstack check` runs on offline plans,
previews and stack exports); this module only translates CrossGuard's view of a stack into resource states and
the catalogue's metadata into policy descriptions and enforcement levels.
"""

from __future__ import annotations

from typing import Any, Callable

from sovstack.catalogue import Catalogue, load_default
from sovstack.extras import require

require("crossguard")  # a clear message naming the extra instead of a bare ModuleNotFoundError
from pulumi_policy import EnforcementLevel, PolicyComplianceFramework, StackValidationPolicy  # noqa: E402
from pulumi_policy.proxy import _is_unknown  # noqa: E402

from sovstack.rules import pulumigraph

MANDATORY_SEVERITIES = {"critical", "high"}


def plain(value: Any) -> Any:
    """CrossGuard's unknown-checking proxies as plain data; values unknown during preview become None (reading
    them through the proxy would mark the whole policy "not applicable" and let the stack pass unchecked)."""
    if hasattr(value, "__getitem__") and type(value).__name__ in ("_DictProxy", "_ListProxy"):
        value = value["__target"]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return None if _is_unknown(value) else value


def _provider_urn(provider) -> str | None:
    return f"{provider.urn}::crossguard" if provider is not None and provider.urn else None


def states(resources) -> list[dict]:
    """Resource states in the shape of `pulumi stack export` from CrossGuard's PolicyResources."""
    out: dict[str, dict] = {}
    for res in resources:
        provider = getattr(res, "provider", None)
        opts = getattr(res, "opts", None)
        parent = getattr(res, "parent", None)
        rtype = res.resource_type
        out[res.urn] = {
            "urn": res.urn, "type": rtype, "inputs": plain(res.props) or {},
            "custom": provider is not None or rtype.startswith("pulumi:providers:"),
            "protect": bool(getattr(opts, "protect", False)), "provider": _provider_urn(provider),
            "parent": getattr(parent, "urn", None) or getattr(opts, "parent", None),
        }
        if provider is not None and provider.urn and provider.urn not in out:
            out[provider.urn] = {"urn": provider.urn, "type": provider.resource_type, "custom": True,
                                 "inputs": plain(provider.props) or {}, "protect": False, "provider": None}
    return list(out.values())


def validator(rule: Callable) -> Callable:
    def validate(args, report_violation) -> None:
        for violation in rule(states(args.resources)):
            report_violation(violation.message, violation.state.get("urn"))
    return validate


def policies(catalogue: Catalogue | None = None) -> list[StackValidationPolicy]:
    """One stack policy per catalogue policy that reads Pulumi resources; names are the policy IDs."""
    catalogue = catalogue or load_default()
    out = []
    for pid, rule in pulumigraph.RULES.items():
        meta = catalogue.get(pid)
        level = EnforcementLevel.MANDATORY if meta.severity.value in MANDATORY_SEVERITIES else EnforcementLevel.ADVISORY
        laws = sorted({entry.law for entry in meta.legal})
        out.append(StackValidationPolicy(
            name=pid.lower(), description=f"{pid}: {meta.title.en}", validate=validator(rule),
            enforcement_level=level, remediation_steps=meta.remediation.en,
            framework=PolicyComplianceFramework(name=", ".join(laws) or None), tags=[meta.category.value]))
    return out
