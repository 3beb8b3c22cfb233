"""The auditor's verdicts per region and requirement fail closed: met only on evidence, never with inputs unread."""

from __future__ import annotations

from sovstack.models import Category, Finding, InputRecord, InputStatus, PulumiRef, Severity, Status
from sovstack.report import audit
from sovstack.report.audit import Verdict, Why

NOTIFY, EGRESS, STORE = "149-FZ-10.8-NOTIFY", "149-FZ-10.8-EGRESS", "152-FZ-18.5-STORE"


def _f(policy: str, status: Status, file: str = "site.yml", stack: str | None = None, **extra) -> Finding:
    pulumi = PulumiRef(urn=f"urn:pulumi:{stack}::p::t::r", type="t", stack=stack) if stack else None
    return Finding(policy_id=policy, category=Category.FOREIGN_MESSENGER, status=status, severity=Severity.HIGH,
                   file=file, message=f"{policy} {status}", pulumi=pulumi, **extra)


def _result(result, findings, inputs=None, policy_errors=None):
    return result.model_copy(update={"findings": findings, "inputs": inputs or [],
                                     "policy_errors": policy_errors or []})


def _cell(view, requirement: str, scope: str = ""):
    row = next(r for r in view.requirements if r.requirement.id == requirement)
    return row.overall if scope is None else row.cells[scope]


def test_met_only_when_a_policy_of_the_requirement_passed(result, catalogue):
    view = audit.build(_result(result, [_f("SOV-MSG-001", Status.PASSED)]), catalogue)
    assert _cell(view, NOTIFY).verdict is Verdict.MET
    store = _cell(view, STORE)
    assert store.verdict is Verdict.NOT_EVALUATED and store.why is Why.NO_INPUT
    assert view.verdict is Verdict.NOT_EVALUATED  # one requirement unchecked: the whole report is not "met"


def test_an_input_not_evaluated_is_never_met(result, catalogue):
    broken = InputRecord(path="broken.yml", kind="yaml", status=InputStatus.ERROR, error="YAML parse error")
    view = audit.build(_result(result, [_f("SOV-MSG-001", Status.PASSED)], [broken]), catalogue)
    cell = _cell(view, NOTIFY)
    assert cell.verdict is Verdict.NOT_EVALUATED and cell.why is Why.INPUT_ERRORS
    assert cell.errors == [broken]
    assert view.input_errors == [broken]


def test_a_violation_wins_over_everything(result, catalogue):
    broken = InputRecord(path="broken.yml", kind="yaml", status=InputStatus.ERROR, error="bad")
    findings = [_f("SOV-MSG-001", Status.FAILED), _f("SOV-MSG-002", Status.WAIVED), _f("SOV-MSG-003", Status.PASSED)]
    view = audit.build(_result(result, findings, [broken]), catalogue)
    cell = _cell(view, NOTIFY)
    assert cell.verdict is Verdict.VIOLATED and len(cell.failed) == 1 and len(cell.waived) == 1 and cell.passed == 1
    assert view.verdict is Verdict.VIOLATED


def test_waived_when_nothing_fails(result, catalogue):
    view = audit.build(_result(result, [_f("SOV-MSG-002", Status.WAIVED), _f("SOV-MSG-001", Status.PASSED)]),
                       catalogue)
    assert _cell(view, NOTIFY).verdict is Verdict.WAIVED


def test_a_policy_error_concerns_the_requirements_of_the_policies_it_names(result, catalogue):
    findings = [_f("SOV-MSG-001", Status.PASSED), _f("SOV-NET-002", Status.PASSED)]
    view = audit.build(_result(result, findings, policy_errors=["x.yml: SOV-NET-002 crashed"]), catalogue)
    assert _cell(view, NOTIFY).verdict is Verdict.MET
    assert _cell(view, EGRESS).verdict is Verdict.NOT_EVALUATED and _cell(view, EGRESS).why is Why.POLICY_ERRORS
    unnamed = audit.build(_result(result, findings, policy_errors=["engine failed to load"]), catalogue)
    assert _cell(unnamed, NOTIFY).verdict is Verdict.NOT_EVALUATED


def test_regions_are_stacks_and_shared_inputs_count_in_every_region(result, catalogue):
    stack = InputRecord(path="Pulumi.chelyabinsk.yaml", kind="pulumi-program", status=InputStatus.EVALUATED,
                        stack="chelyabinsk", resources=3)
    other = InputRecord(path="Pulumi.tyumen.yaml", kind="pulumi-program", status=InputStatus.EVALUATED,
                        stack="tyumen", resources=2)
    findings = [
        _f("SOV-RES-005", Status.FAILED, "infra/app.py", stack="chelyabinsk"),  # planned resource of one region
        _f("SOV-RES-005", Status.PASSED, "Pulumi.tyumen.yaml"),  # the stack file belongs to its region
        _f("SOV-MSG-001", Status.FAILED, "playbooks/site.yml"),  # shared code: every region
    ]
    view = audit.build(_result(result, findings, [stack, other]), catalogue)
    assert view.scopes == ["chelyabinsk", "tyumen", ""]
    assert _cell(view, STORE, "chelyabinsk").verdict is Verdict.VIOLATED
    assert _cell(view, STORE, "tyumen").verdict is Verdict.MET
    assert _cell(view, STORE, "").verdict is Verdict.NOT_EVALUATED
    for scope in ("chelyabinsk", "tyumen", ""):
        assert _cell(view, NOTIFY, scope).verdict is Verdict.VIOLATED
    regions = {r.name: r for r in view.region_views}
    assert (regions["chelyabinsk"].failed, regions["tyumen"].failed, regions[""].failed) == (1, 0, 1)
    assert regions["chelyabinsk"].resources == 3


def test_a_failing_host_makes_the_report_violated(result, catalogue, evidence_file):
    clean = _result(result, [_f(pid, Status.PASSED) for fw in catalogue.frameworks for req in fw.requirements
                             for pid in req.policies])
    assert audit.build(clean, catalogue).verdict is Verdict.MET
    with_hosts = clean.model_copy(update={"evidence": [evidence_file]})
    view = audit.build(with_hosts, catalogue)
    assert view.verdict is Verdict.VIOLATED
    assert {h.name for h in view.evidence.hosts["udmurtia"]} == {"udmurtia-bot-1"}
    assert [h.passed for h in view.evidence.hosts["chelyabinsk"]] == [True]
