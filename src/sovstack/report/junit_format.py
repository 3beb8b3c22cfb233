"""JUnit XML report: a testsuite per policy, a testcase per finding, input errors as their own suite."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from itertools import groupby
from typing import TYPE_CHECKING

from sovstack.models import InputStatus, Status

if TYPE_CHECKING:
    from sovstack.catalogue import Catalogue
    from sovstack.models import Finding, InputRecord, Result

INPUTS_SUITE = "sovstack.inputs"
NOT_EVALUATED_SUITE = "sovstack.not-evaluated"  # excluded and skipped files, as skipped test cases
POLICY_ERRORS_SUITE = "sovstack.policies"
# Characters XML 1.0 cannot carry at all; ElementTree would write them and produce a document nobody can parse.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def render(result: Result, catalogue: Catalogue, lang: str = "en") -> str:
    root = ET.Element("testsuites", name=result.tool.name)
    ordered = sorted(result.findings, key=lambda f: f.policy_id)
    for policy_id, findings in groupby(ordered, key=lambda f: f.policy_id):
        suite = _suite(root, policy_id)
        for finding in findings:
            _finding_case(suite, finding, catalogue, lang)
    errored = [rec for rec in result.inputs if rec.status is InputStatus.ERROR]
    if errored:
        suite = _suite(root, INPUTS_SUITE)
        for record in errored:
            _input_case(suite, record)
    left_out = [rec for rec in result.inputs if rec.status in (InputStatus.EXCLUDED, InputStatus.SKIPPED)]
    if left_out:
        suite = _suite(root, NOT_EVALUATED_SUITE)
        for record in left_out:
            case = _case(suite, NOT_EVALUATED_SUITE, record.path)
            _child(case, "skipped", message=f"{record.status.value}: {record.reason}; {record.rule}"
                                            f"{f' ({record.files} files)' if record.files is not None else ''}")
    if result.policy_errors:
        suite = _suite(root, POLICY_ERRORS_SUITE)
        for i, err in enumerate(result.policy_errors, 1):
            case = _case(suite, POLICY_ERRORS_SUITE, f"policy error {i}")
            _child(case, "error", err, message=err, type="policy-error")
    _count(root)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True).decode("utf-8") + "\n"


def _suite(root: ET.Element, name: str) -> ET.Element:
    return ET.SubElement(root, "testsuite", name=name)


def _case(suite: ET.Element, classname: str, name: str) -> ET.Element:
    return ET.SubElement(suite, "testcase", classname=_clean(classname), name=_clean(name))


def _child(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: _clean(v) for k, v in attrs.items()})
    if text:
        element.text = _clean(text)
    return element


def _case_name(finding: Finding) -> str:
    where = finding.file if finding.line is None else f"{finding.file}:{finding.line}"
    return f"{where} {finding.resource}" if finding.resource else where


def _finding_case(suite: ET.Element, finding: Finding, catalogue: Catalogue, lang: str) -> None:
    case = _case(suite, finding.policy_id, _case_name(finding))
    if finding.status is Status.FAILED:
        _child(case, "failure", _details(finding, catalogue, lang), message=finding.message, type=str(finding.severity))
    elif finding.status is Status.WAIVED:
        _child(case, "skipped", message=_waived_message(finding))
    elif finding.status is Status.BASELINED:
        _child(case, "skipped", message=f"baselined (accepted existing finding): {finding.message}")


def _details(finding: Finding, catalogue: Catalogue, lang: str) -> str:
    lines = [finding.message]
    if finding.policy_id in catalogue.policies:
        meta = catalogue.get(finding.policy_id)
        lines += [meta.title.get(lang), meta.remediation.get(lang)]
    if finding.legal_basis:
        lines.append("; ".join(finding.legal_basis))
    return "\n".join(lines)


def _waived_message(finding: Finding) -> str:
    waiver = finding.waiver
    if waiver is None:
        return "waived"
    return (
        f"waived: {waiver.reason} (waiver {waiver.id}, owner {waiver.owner}, approved by {waiver.approved_by}, "
        f"ticket {waiver.ticket}, expires {waiver.expires.isoformat()})"
    )


def _input_case(suite: ET.Element, record: InputRecord) -> None:
    reason = record.error or "unknown error"
    case = _case(suite, INPUTS_SUITE, record.path)
    _child(case, "error", f"{record.path} ({record.kind}): {reason}", message=reason, type="input-error")


def _count(root: ET.Element) -> None:
    totals = dict.fromkeys(("tests", "failures", "errors", "skipped"), 0)
    for suite in root.iter("testsuite"):
        counts = {
            "tests": len(suite.findall("testcase")),
            "failures": len(suite.findall("testcase/failure")),
            "errors": len(suite.findall("testcase/error")),
            "skipped": len(suite.findall("testcase/skipped")),
        }
        for key, value in counts.items():
            suite.set(key, str(value))
            totals[key] += value
    for key, value in totals.items():
        root.set(key, str(value))


def _clean(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
