"""Terraform/HCL parsing: checkov's parser, and a retry for template directives its grammar does not know."""

from __future__ import annotations

from typing import Any


class HclError(ValueError):
    """The text is not HCL that either parse could read."""


def loads(text: str) -> dict[str, Any]:
    """Parse HCL with bc-python-hcl2 (pinned by checkov). Its grammar reads `${...}` with nested quotes but not
    `%{ if a != "" }` template directives with quotes inside; on failure the text is read again with the quotes
    inside every `%{...}` directive of a string literal replaced by apostrophes (same length, same lines), so
    the structure and every other value survive. Nothing is evaluated."""
    import hcl2  # imported only when there is Terraform

    try:
        return hcl2.loads(text)
    except Exception as exc:  # the parser raises lark errors of many types
        first = exc
    neutral = neutralise_directives(text)
    if neutral != text:
        try:
            return hcl2.loads(neutral)
        except Exception:  # report the error of the original text: it names what the author wrote
            pass
    msg = str(first).strip().splitlines()[0] if str(first).strip() else type(first).__name__
    raise HclError(msg[:300]) from first


def neutralise_directives(text: str) -> str:
    """`"%{if var.p != ""}x%{endif}"` -> `"%{if var.p != ''}x%{endif}"`: quotes nested in a template directive
    of a quoted string or heredoc become apostrophes; comments, other strings and interpolations are untouched."""
    out = list(text)
    i, n = 0, len(text)
    in_string = False
    while i < n:
        ch = text[i]
        if not in_string:
            if ch == "#" or text.startswith("//", i):
                i = _line_end(text, i)
                continue
            if text.startswith("/*", i):
                end = text.find("*/", i + 2)
                i = n if end < 0 else end + 2
                continue
            if ch == '"':
                in_string = True
            elif text.startswith("<<", i):
                i = _heredoc(text, i)
                continue
            i += 1
            continue
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            in_string = False
        elif text.startswith("%{", i):
            i = _directive(text, i, out)
            continue
        i += 1
    return "".join(out)


def _line_end(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end


def _directive(text: str, i: int, out: list[str]) -> int:
    """Rewrites quotes inside the directive starting at text[i] ("%{"); returns the index after its "}"."""
    depth = 0
    j = i + 2
    while j < len(text):
        ch = text[j]
        if ch == "{":
            depth += 1
        elif ch == "}":
            if depth == 0:
                return j + 1
            depth -= 1
        elif ch == '"':
            out[j] = "'"
        elif ch == "\n":
            return j
        j += 1
    return j


def _heredoc(text: str, i: int) -> int:
    """Skips a heredoc (`<<EOT` / `<<-EOT`) whose directives the grammar already reads as plain text."""
    j = i + 2 + (1 if text.startswith("<<-", i) else 0)
    k = j
    while k < len(text) and (text[k].isalnum() or text[k] in "_.-"):
        k += 1
    marker = text[j:k]
    if not marker:
        return i + 2
    pos = text.find("\n", k)
    while pos >= 0:
        line_end = _line_end(text, pos + 1)
        if text[pos + 1:line_end].strip() == marker:
            return line_end
        pos = text.find("\n", pos + 1)
    return len(text)
