"""The JUnit report parses and counts failures, skips and errors as the findings and inputs say."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from sovstack.report import Format


def _parse(result, catalogue) -> ET.Element:
    return ET.fromstring(Format.JUNIT.render(result, catalogue, "en").encode("utf-8"))


def test_counts(result, catalogue):
    root = _parse(result, catalogue)
    assert root.tag == "testsuites"
    assert len(root.findall(".//failure")) == 2
    assert len(root.findall(".//skipped")) == 1
    assert len(root.findall(".//error")) == 1
    assert (root.get("tests"), root.get("failures"), root.get("skipped"), root.get("errors")) == ("5", "2", "1", "1")


def test_suite_per_policy(result, catalogue):
    suites = {s.get("name"): s for s in _parse(result, catalogue).findall("testsuite")}
    assert set(suites) == {"SOV-GOV-001", "SOV-MSG-001", "SOV-MSG-002", "SOV-RES-001", "sovstack.inputs"}
    case = suites["SOV-MSG-001"].find("testcase")
    assert case.get("classname") == "SOV-MSG-001"
    assert case.get("name") == "deploy/site.yml:12 notify telegram"
    failure = case.find("failure")
    assert failure.get("type") == "high" and failure.get("message") == "SOV-MSG-001 in deploy/site.yml"
    assert suites["SOV-RES-001"].find("testcase").get("name") == "infra/main.tf aws_s3_bucket.data"
    assert suites["SOV-MSG-001"].get("failures") == "1"


def test_passed_and_waived_cases(result, catalogue):
    suites = {s.get("name"): s for s in _parse(result, catalogue).findall("testsuite")}
    passed = suites["SOV-GOV-001"].find("testcase")
    assert list(passed) == []
    skipped = suites["SOV-MSG-002"].find("testcase/skipped")
    assert skipped.get("message").startswith("waived: migration to the domestic messenger is scheduled")
    assert "SEC-1234" in skipped.get("message")


def test_input_error_case(result, catalogue):
    suite = next(s for s in _parse(result, catalogue).findall("testsuite") if s.get("name") == "sovstack.inputs")
    error = suite.find("testcase/error")
    assert suite.find("testcase").get("name") == "broken/values.yaml"
    assert error.get("message") == "YAML parse error at line 3"


def test_control_characters_do_not_break_xml(result, catalogue):
    odd = result.findings[0].model_copy(update={"message": "bad\x00byte\x1b[0m"})
    root = _parse(result.model_copy(update={"findings": [odd], "inputs": []}), catalogue)
    assert root.find(".//failure").get("message") == "bad\ufffdbyte\ufffd[0m"
