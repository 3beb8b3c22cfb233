"""Program source that sets up no notification path although it names a messenger's address: the tests of a
program, and an address used only as a value to compare with or as text of an error or log message.

A deployment's path to a messenger is what its configuration and its programs *send*. A program's tests are not
part of what runs: the Go tool leaves `_test.go` files out of every build (https://pkg.go.dev/cmd/go#hdr-Test_packages),
and test runners collect test modules by name from test folders (pytest's `test_*.py` / `*_test.py` and the
helpers beside them in tests/,
https://docs.pytest.org/en/stable/explanation/goodpractices.html#conventions-for-python-test-discovery; Jest's
`__tests__/`, `*.test.*`, `*.spec.*`, https://jestjs.io/docs/configuration#testmatch-arraystring; Mocha's ./test,
https://mochajs.org/#the-test-directory; Maven's
`src/test/`, https://maven.apache.org/guides/introduction/introduction-to-the-standard-directory-layout.html).
Data files beside tests (testdata/ golden configurations) are configuration and stay evaluated.

In the program itself, an address written as the operand of a comparison (`if u != "https://slack.com/api/..."`,
`strings.HasPrefix(u, "https://hooks.slack.com")`) or inside an error or log message is what a value is checked
against or what a user is told, not where the program sends.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from sovstack.collect.document import Document
from sovstack.models import Kind

CODE_SUFFIXES = {".go", ".py", ".js", ".cjs", ".mjs", ".jsx", ".ts", ".tsx", ".java", ".kt", ".kts", ".scala", ".groovy"}
TEST_DIRS = {"test", "tests", "__tests__", "spec", "specs"}
JS_TEST_RE = re.compile(r".*\.(?:test|spec)\.(?:[cm]?js|jsx|ts|tsx)")
COMPARE_BEFORE_RE = re.compile(
    r"(?:[=!]==?|\b(?:HasPrefix|HasSuffix|Contains|EqualFold|TrimPrefix|startswith|endswith|startsWith|endsWith|"
    r"includes|equals|equalsIgnoreCase|MatchString|assert\w*|Equal|Equals|expect|toBe|toEqual|toStrictEqual|toMatch)"
    r"\s*\((?:[^()\"'`]*,)?)\s*[\"'`]?$")
COMPARE_AFTER_RE = re.compile(r"^[^\"'`]{0,2}[\"'`]?\s*[=!]==?(?!=)")
MESSAGE_CALL_RE = re.compile(
    r"\b(?:Errorf|Error|errors\.New|New(?:Error)?|panic|raise\s+\w+|throw\s+new\s+\w+|\w*Exception|\w*Error|"
    r"(?:log|logger|logging|console|slog|klog|zap|fmt)\.\w+|warn\w*|debug\w*|info|fatal\w*)\s*\(")


def is_test_source(doc: Document) -> bool:
    """A program's test module, left out of what the program runs (by its language's tool or test runner)."""
    p = PurePosixPath(doc.rel)
    if doc.kind is not Kind.SOURCE and p.suffix.lower() not in CODE_SUFFIXES:
        return False  # program source by kind, or by a name no other kind claims (.tsx, .jsx, .cjs)
    name, parts = p.name.lower(), {x.lower() for x in p.parts[:-1]}
    if name.endswith("_test.go"):
        return True
    if name.endswith(".py"):  # pytest collects from test folders; their helpers (tests/utils/x.py) ship nowhere
        return bool(parts & TEST_DIRS) or name in ("conftest.py",) or name.endswith("_test.py")
    if JS_TEST_RE.fullmatch(name) or "__tests__" in parts or \
            (p.suffix.lower() in (".js", ".cjs", ".mjs", ".ts", ".tsx", ".jsx") and parts & TEST_DIRS):
        return True  # Jest's testMatch, Mocha's ./test folder
    return "/src/test/" in f"/{p.as_posix().lower()}" and p.suffix.lower() in (".java", ".kt", ".kts", ".scala", ".groovy")


def inert_use(doc: Document, line: str, needle: str) -> bool:
    """In program source, the address `needle` on `line` is only compared with or told in a message."""
    if doc.kind is not Kind.SOURCE or not needle:
        return False
    at = line.find(needle)
    if at < 0:
        return False
    before, after = line[:at], line[at + len(needle):]
    # the literal holding the address starts at the last quote before it
    quote = max(before.rfind('"'), before.rfind("'"), before.rfind("`"))
    lead = before[:quote + 1] if quote >= 0 else before
    close = min([i for i in (after.find('"'), after.find("'"), after.find("`")) if i >= 0] or [len(after)])
    if COMPARE_BEFORE_RE.search(lead.rstrip()) or COMPARE_AFTER_RE.match(after[close:]):
        return True
    return any(_open(before[m.end():]) for m in MESSAGE_CALL_RE.finditer(before))


def _open(tail: str) -> bool:
    """Whether a call whose "(" precedes `tail` is still open at its end (its arguments hold what follows)."""
    depth = 1
    for ch in tail:
        depth += ch == "("
        depth -= ch == ")"
        if depth == 0:
            return False
    return True
