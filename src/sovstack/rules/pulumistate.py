"""Reads Pulumi stack exports and previews: where each resource and provider is (SOV-RES-005, SOV-LOC-003)."""

from sovstack.rules.locations import Place, Verdict, combine, is_foreign_operator, operator_for, operator_verdict
from sovstack.rules.placement import holds_data_or_compute, location_evidence, provider_verdict, pulumi_package


def resources(doc):
    """(resource dict, state dict) for every resource of an export (deployment.resources) or preview (steps)."""
    for top in doc.data:
        if not isinstance(top, dict):
            continue
        deployment = top.get("deployment") if isinstance(top.get("deployment"), dict) else top
        for res in deployment.get("resources") or []:
            if isinstance(res, dict) and isinstance(res.get("type"), str):
                yield res, res
        for step in top.get("steps") or []:
            state = (step.get("newState") or step.get("oldState")) if isinstance(step, dict) else None
            if isinstance(state, dict) and isinstance(state.get("type"), str):
                yield step, state


def verdicts_of(items):
    """(node, state, verdict, own) per (node, state) pair from any source (an export, a preview, a plan, a
    CrossGuard stack); own=False when the verdict is inherited from its provider."""
    providers = {}
    for node, state in items:
        if state["type"].startswith("pulumi:providers:"):
            pkg = pulumi_package(state["type"])
            verdict, _ = provider_verdict("pulumi", pkg, state.get("inputs") or {})
            providers[state.get("urn")] = verdict
    for node, state in items:
        rtype = state["type"]
        if rtype.startswith("pulumi:providers:"):
            yield node, state, providers.get(state.get("urn")), True
            continue
        pkg = pulumi_package(rtype)
        if pkg is None or state.get("custom") is False:
            continue
        oid = operator_for("pulumi", pkg)
        if oid and is_foreign_operator(oid):
            yield node, state, operator_verdict(oid), True
            continue
        evidence = [v for _, _, v in location_evidence(state.get("inputs") or {}, oid, roles=("region", "zone"))]
        if evidence:
            yield node, state, combine(evidence), True
            continue
        ref = state.get("provider") or ""
        inherited = providers.get(ref.rsplit("::", 1)[0]) if "::" in ref else None
        if inherited is None and holds_data_or_compute(rtype) and oid is None:
            inherited = Verdict(Place.UNKNOWN, f"package {pkg} is not in the location catalogue")
            yield node, state, inherited, True
            continue
        yield node, state, inherited, False
