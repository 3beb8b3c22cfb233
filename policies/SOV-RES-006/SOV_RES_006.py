"""SOV-RES-006: Pulumi program or stack config that uses a foreign cloud SDK or region (read without running)."""

import ast
import re
from dataclasses import replace

from sovstack import resolve
from sovstack.checks.base import Hit, InputProblem, NativeCheck
from sovstack.checks.walk import all_dicts
from sovstack.rules.locations import Place, attribute_roles, classify_attribute, classify_region, combine, \
    is_foreign_operator, operator, operator_for
from sovstack.rules import pulumistatic
from sovstack.rules.placement import pulumi_package, snake

REGION_LIKE = re.compile(r"^[a-z]{2,}[a-z0-9-]{1,30}$")
# names too generic to say a literal is where the program's resources are (a docs link, a health-check URL)
GENERIC_ENDPOINT_NAMES = {"url", "host", "hostname", "server", "address", "base_url", "endpoints"}
# a property or named argument set to a URL or host literal (TS/JS `authUrl: "..."`, Go `AuthUrl: pulumi.String("...")`,
# C# `AuthUrl = "..."`, Java `.authUrl("...")`)
ENDPOINT_PROP_RE = re.compile(r"""\b(?P<name>[A-Za-z_]\w*)["']?\s*(?::|=|\()\s*(?:pulumi\.String\(\s*)?["'`]"""
                              r"""(?P<value>(?:https?://)?[A-Za-z0-9][A-Za-z0-9.-]*\.[A-Za-z]{2,}(?::\d+)?(?:/[^"'`\s]*)?)["'`]""")


def _role_name(name):
    """The location attribute a config key or property name stands for (awsRegion -> aws_region), or None."""
    name = snake(name.replace("-", "_")) if name else ""
    return name if name in attribute_roles() else None


def _package_of_module(module):
    top = module.split(".")[0]
    if not top.startswith("pulumi_"):
        return None
    return top[len("pulumi_"):].replace("_", "-")


class PulumiForeignCloud(NativeCheck):
    id = "SOV-RES-006"
    kinds = ("pulumi-program", "pulumi-config", "source", "template")

    def scan(self, doc):
        if doc.planned:
            return  # the stack's resources are judged by SOV-RES-005; its source and config files are read here
        if doc.kind.value in ("source", "template"):
            if pulumistatic.is_program(doc.rel, doc.text):  # TypeScript, Go, C#, Java: read, never run
                yield from self._static(doc)
            return
        if doc.kind.value == "pulumi-program":
            yield from self._program(doc)
        else:
            yield from self._config(doc)

    def _program(self, doc):
        try:
            tree = ast.parse(doc.text)
        except SyntaxError as exc:
            raise InputProblem(f"cannot parse Pulumi program: {exc.msg} at line {exc.lineno}") from exc
        except (MemoryError, RecursionError, ValueError) as exc:  # nesting beyond the parser's stack, NUL bytes
            raise InputProblem(f"cannot parse Pulumi program: {exc}") from exc
        for node in ast.walk(tree):
            modules = []
            if isinstance(node, ast.Import):
                modules = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            for module in modules:
                pkg = _package_of_module(module)
                oid = operator_for("pulumi", pkg) if pkg else None
                if is_foreign_operator(oid):
                    yield Hit(f"program uses the {operator(oid)[1]['name']} SDK ({module}): no region in Russia",
                              line=node.lineno)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and REGION_LIKE.match(node.value):
                verdict = classify_region(node.value)
                if verdict.place is Place.ABROAD:
                    yield Hit(f"foreign region {node.value!r}: {verdict.reason}", line=node.lineno)

    def _static(self, doc):
        for imp in pulumistatic.imports(doc.text):
            oid = operator_for("pulumi", imp.package)
            if is_foreign_operator(oid):
                yield Hit(f"program uses the {operator(oid)[1]['name']} SDK ({imp.text}): no region in Russia",
                          line=imp.line)
        for line, value in pulumistatic.literals(doc.text):
            if REGION_LIKE.match(value):
                verdict = classify_region(value)
                if verdict.place is Place.ABROAD:
                    yield Hit(f"foreign region {value!r}: {verdict.reason}", line=line)
        yield from self._endpoint_literals(doc)
        yield from self._config_reads(doc)

    def _endpoint_literals(self, doc):
        """`authUrl: "https://keystone.example.se/v3"`, `Endpoint = "..."`: endpoint properties written as literals."""
        for n, line in enumerate(doc.text.splitlines(), 1):
            for m in ENDPOINT_PROP_RE.finditer(line):
                name = _role_name(m.group("name"))
                if name is None or attribute_roles().get(name) != "endpoint" or name in GENERIC_ENDPOINT_NAMES:
                    continue
                verdict = classify_attribute(name, m.group("value"), None)
                if verdict is not None and verdict.place is Place.ABROAD:
                    yield Hit(f"{m.group('name')} {m.group('value')!r} is abroad: {verdict.reason}", line=n)

    def _config_reads(self, doc):
        """`cfg.require("region")` and the like: judged by the values the stacks give (Pulumi.<stack>.yaml)."""
        sc = resolve.current()
        if sc is None:
            return
        for ref in pulumistatic.config_refs(doc.text):
            name = _role_name(ref.key.rsplit(":", 1)[-1]) or _role_name(ref.hint or "")
            if name is None:
                continue
            ns = ref.key.split(":", 1)[0] if ":" in ref.key else ref.namespace
            oid = operator_for("pulumi", ns) if ns else None
            verdicts = []
            for value, origin in pulumistatic.ref_values(sc, doc.path.parent, ref):
                v = classify_attribute(name, value, oid)
                if v is not None:
                    verdicts.append(replace(v, chain=(origin,), value=value))
            verdict = combine(verdicts)
            if verdict is not None and verdict.place is Place.ABROAD:
                yield Hit(f"config {ref.key!r} read here is {verdict.value!r} in the stack configuration, abroad: "
                          f"{verdict.reason}", line=ref.line, chain=list(verdict.chain))

    def _properties(self, doc, rtype, props, oid):
        """Region, zone and endpoint properties of a Pulumi YAML resource of a domestic or self-hosted package."""
        for name, value in props.items():
            if isinstance(value, str):
                verdict = classify_attribute(snake(str(name)), value, oid)
                if (verdict is None or verdict.place is Place.UNRESOLVED) and "${" in value:
                    verdict = self._yaml_resolved(doc, snake(str(name)), value, oid) or verdict
                if verdict and verdict.place is Place.ABROAD:
                    yield Hit(f"{rtype} {name}={value} is abroad: {verdict.reason}", line=doc.key_line(props, name),
                              chain=list(verdict.chain) or None)

    def _yaml_resolved(self, doc, name, value, oid):
        """A Pulumi YAML property written with `${config-key}`, `${variable}`, `${pulumi.stack}`: each value the
        stacks, the project defaults and literal variables give it."""
        sc = resolve.current()
        if sc is None:
            return None
        variables = {}
        for data in doc.data or []:
            if isinstance(data, dict) and isinstance(data.get("variables"), dict):
                for k, v in data["variables"].items():
                    if isinstance(v, (str, int, float)) and not isinstance(v, bool):
                        variables[str(k)] = [(str(v), resolve.origin(doc.path, doc.key_line(data["variables"], k),
                                                                     f"variable {k} in {doc.path.name}", sc))]
        found = pulumistatic.project_of(sc, doc.path.parent)
        project = found[1] if found else None
        stacks = pulumistatic.stack_values(sc, doc.path.parent)
        cands = [("", ())]
        for part in re.split(r"(\$\{[^}]+\})", value):
            if not part.startswith("${"):
                cands = [(c + part, ch) for c, ch in cands]
                continue
            ref = part[2:-1].strip()
            if ref == "pulumi.stack":
                options = pulumistatic.stack_names(sc, doc.path.parent)
            elif ref == "pulumi.project":
                options = [(project, ())] if project else []
            else:
                options = variables.get(ref) or stacks.get(ref if ":" in ref else f"{project}:{ref}") or []
            if not options:
                return None
            cands = [(c + v, (*ch, *((o,) if not isinstance(o, tuple) else o))) for c, ch in cands
                     for v, o in options][:8]
        verdicts = []
        for text, chain in cands:
            v = classify_attribute(name, text, oid)
            if v is not None:
                verdicts.append(replace(v, reason=f"{v.reason} ({value} = {text!r})", chain=tuple(chain), value=text))
        return combine(verdicts)

    def _config(self, doc):
        for d in all_dicts(doc):
            for key, value in d.items():
                key = str(key)
                if key == "type" and isinstance(value, str) and ":" in value:  # Pulumi YAML resources
                    oid = operator_for("pulumi", pulumi_package(value) or "")
                    if is_foreign_operator(oid):
                        yield Hit(f"resource type {value} is {operator(oid)[1]['name']}", line=doc.key_line(d, key))
                    elif isinstance(d.get("properties"), dict):
                        yield from self._properties(doc, value, d["properties"], oid)
                if ":" not in key or key.startswith("__"):
                    continue
                pkg, _, attr = key.partition(":")
                oid = operator_for("pulumi", pkg)
                if isinstance(value, dict):
                    value = value.get("value", value.get("default"))
                if is_foreign_operator(oid):
                    yield Hit(f"stack config {key} configures {operator(oid)[1]['name']}, which has no region in Russia",
                              line=doc.key_line(d, key))
                elif isinstance(value, str):
                    verdict = classify_attribute(snake(attr), value, oid)
                    if verdict and verdict.place is Place.ABROAD:
                        yield Hit(f"stack config {key}={value} is abroad: {verdict.reason}", line=doc.key_line(d, key))


check = PulumiForeignCloud()
