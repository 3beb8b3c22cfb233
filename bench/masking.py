"""Masking benchmark: throughput of redact() on megabyte lines of hostile shapes, and the cost of masking a whole
result before it is rendered. Prints numbers; asserts nothing.

    bench/masking
"""

from __future__ import annotations

import time

from sovstack.models import Category, Finding, Result, Severity, Status, Summary, ToolInfo
from sovstack.redact import redact, redact_model

LINES = {
    "plain words": "a " * 500_000,
    "one word, 1 MB": "a" * 1_000_000,
    "repeated token=": "token=" * 170_000,
    "repeated URLs with keys": "https://h/x?key=abc123DEF456&a=b " * 30_000,
    "repeated scheme://": "https://" * 125_000,
    "repeated name: value": "a: " * 330_000,
    "repeated Bearer": "Authorization: Bearer " * 45_000,
    "repeated <password>": "<password>" * 100_000,
}


def result(n: int) -> Result:
    findings = [Finding(policy_id="SOV-MSG-001", category=Category.FOREIGN_MESSENGER, status=Status.FAILED,
                        severity=Severity.HIGH, file=f"regions/r{i % 89}/deploy/site.yml", line=i,
                        resource=f"tasks.community.general.uri.Notify {i}",
                        message=f"Endpoint https://api.telegram.org/bot123456:{'A' * 35}/x in r{i}.yml",
                        legal_basis=["149-FZ art. 10 part 8"], excerpt=f"url: https://hooks.example/x?chat_id={i}")
                for i in range(n)]
    return Result(schema_version="2.0", tool=ToolInfo(version="0"), inputs=[], findings=findings,
                  summary=Summary(failed=n, passed=0, waived=0, errors=0))


def main() -> None:
    for name, line in LINES.items():
        started = time.perf_counter()
        redact(line)
        took = time.perf_counter() - started
        print(f"{name:26s} {len(line) / 1e6:5.2f} MB  {took:6.2f} s  {len(line) / 1e6 / took:6.2f} MB/s")
    for n in (1_000, 10_000):
        r = result(n)
        started = time.perf_counter()
        redact_model(r)
        took = time.perf_counter() - started
        print(f"mask a result of {n:6d} findings: {took:6.2f} s ({took / n * 1e6:.0f} us per finding)")


if __name__ == "__main__":
    main()
