"""The GitLab CI template and the GitHub composite action: valid against their published schemas, and their
commands really run (with the sovstack under test on PATH instead of the pip install) and leave every report
the forge is told to collect."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft7Validator

DATA = Path(__file__).parent / "data"
GITLAB_SCHEMA = json.loads((DATA / "gitlab-ci.json").read_text(encoding="utf-8"))
ACTION_SCHEMA = json.loads((DATA / "github-action.json").read_text(encoding="utf-8"))
ENV = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}"}


def _load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _errors(schema: dict, doc: dict) -> list[str]:
    Draft7Validator.check_schema(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in Draft7Validator(schema).iter_errors(doc)]


@pytest.fixture()
def user_repo(tmp_path, root) -> Path:
    """A user's checkout: a git repository with a foreign-messenger receiver one folder down."""
    repo = tmp_path / "repo"
    (repo / "monitoring").mkdir(parents=True)
    shutil.copy2(root / "examples/noncompliant/monitoring/alertmanager.yml", repo / "monitoring/alertmanager.yml")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def test_gitlab_template_passes_gitlabs_ci_schema(root):
    assert _errors(GITLAB_SCHEMA, _load(root / "ci/gitlab/sovstack.gitlab-ci.yml")) == []


def test_gitlab_schema_catches_a_misspelt_report():
    bad = {"job": {"script": ["x"], "artifacts": {"reports": {"code_quality": "x.json"}}}}
    assert _errors(GITLAB_SCHEMA, bad)


def test_github_action_passes_the_schemastore_schema(root):
    assert _errors(ACTION_SCHEMA, _load(root / "ci/github/action.yml")) == []


def test_github_schema_catches_a_step_without_shell():
    bad = {"name": "x", "description": "x", "runs": {"using": "composite", "steps": [{"run": "true"}]}}
    assert _errors(ACTION_SCHEMA, bad)


def test_gitlab_job_writes_every_report_it_declares(root, user_repo):
    template = _load(root / "ci/gitlab/sovstack.gitlab-ci.yml")
    job = template["sovstack"]
    env = ENV | {k: str(v) for k, v in template["variables"].items()} | job["variables"]
    proc = subprocess.run(["bash", "-ec", "\n".join(job["script"])], cwd=user_repo, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 1, proc.stderr  # the job fails on the violation
    artifacts = job["artifacts"]
    for path in [*artifacts["paths"], *artifacts["reports"].values()]:
        assert (user_repo / path).is_file(), path
    quality = json.loads((user_repo / artifacts["reports"]["codequality"]).read_text())
    assert {i["location"]["path"] for i in quality} == {"monitoring/alertmanager.yml"}
    assert "SOV-MSG-004" in proc.stdout  # the table in the job log


def test_github_check_step_writes_sarif_summary_and_outputs(root, user_repo, tmp_path):
    action = _load(root / "ci/github/action.yml")
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "check")
    defaults = {name: spec.get("default", "") for name, spec in action["inputs"].items()}
    env = ENV | {k: _expand(v, defaults) for k, v in step["env"].items()}
    output, summary = tmp_path / "github_output", tmp_path / "step_summary"
    env |= {"GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(summary)}
    proc = subprocess.run(["bash", "-e", "-o", "pipefail", "-c", step["run"]], cwd=user_repo, env=env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr  # the step records the status; a later step fails the job
    assert "exit-code=1" in output.read_text().splitlines()
    sarif = json.loads((user_repo / "sovstack-reports/sovstack.sarif").read_text())
    run = sarif["runs"][0]
    assert run["originalUriBaseIds"]["SRCROOT"]["uri"] == user_repo.resolve().as_uri() + "/"
    uris = {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in run["results"]}
    assert uris == {"monitoring/alertmanager.yml"}
    assert "SOV-MSG-004" in summary.read_text()


def _expand(value: str, inputs: dict[str, str]) -> str:
    """The one expression form the action's env uses: ${{ inputs.NAME }}."""
    text = str(value)
    for name, default in inputs.items():
        text = text.replace("${{ inputs.%s }}" % name, str(default))
    assert "${{" not in text, text
    return text
