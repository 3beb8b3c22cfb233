"""Project configuration: `.sovstack.yaml` (or `[tool.sovstack]` in pyproject.toml) supplies defaults for
`sovstack check`; the command line wins over the environment, which wins over the file. Unknown keys are errors."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sovstack.models import Severity

NAMES = (".sovstack.yaml", ".sovstack.yml")


class ConfigError(Exception):
    """The configuration file is unreadable or invalid (named in the message)."""


class CheckConfig(BaseModel):
    """The keys a configuration file may set: the `sovstack check` options of the same names (dashes or
    underscores). Paths are relative to the file's folder."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    fail_on: Severity | None = Field(None, alias="fail-on")
    format: list[str] | None = None
    output: list[str] | None = None
    exclude: list[str] | None = None
    waivers: str | None = None
    baseline: str | None = None
    lang: Literal["ru", "en"] | None = None
    policy: list[str] | None = None
    skip_policy: list[str] | None = Field(None, alias="skip-policy")
    soft_fail: bool | None = Field(None, alias="soft-fail")
    compact: bool | None = None
    quiet: bool | None = None
    plan: bool | None = None
    plan_timeout: float | None = Field(None, alias="plan-timeout")
    max_file_size: int | None = Field(None, alias="max-file-size")
    repo_root: str | None = Field(None, alias="repo-root")

    def values(self, base: Path) -> dict[str, object]:
        """Set keys as check() parameters, paths made absolute against the file's folder."""
        out = {k: v for k, v in self.model_dump(exclude_none=True).items()}
        for key in ("waivers", "baseline", "repo_root"):
            if key in out:
                out[key] = base / str(out[key])
        if "output" in out:
            out["output"] = [base / str(p) for p in out["output"]]
        return out


def _tomllib():  # noqa: ANN202 - the module
    import tomllib  # only when a pyproject.toml is read

    return tomllib


def find(start: Path) -> Path | None:
    """`.sovstack.yaml` in the folder, else a pyproject.toml there with a [tool.sovstack] table."""
    for name in NAMES:
        if (start / name).is_file():
            return start / name
    pyproject = start / "pyproject.toml"
    if pyproject.is_file():
        try:
            if "sovstack" in _tomllib().loads(pyproject.read_text(encoding="utf-8")).get("tool", {}):
                return pyproject
        except (OSError, UnicodeDecodeError, _tomllib().TOMLDecodeError) as exc:
            raise ConfigError(f"{pyproject}: cannot read: {exc}") from exc
    return None


def load(path: Path) -> CheckConfig:
    try:
        text = path.read_text(encoding="utf-8")
        raw = _tomllib().loads(text).get("tool", {}).get("sovstack") if path.name == "pyproject.toml" \
            else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    except (yaml.YAMLError, _tomllib().TOMLDecodeError) as exc:
        raise ConfigError(f"{path}: malformed: {str(exc).splitlines()[0]}") from exc
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: the configuration must be a mapping of option names to values")
    raw = raw.get("check", raw) if isinstance(raw.get("check"), dict) else raw
    try:
        return CheckConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'file'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: invalid configuration: {problems}") from exc
