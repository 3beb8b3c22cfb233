"""Static checks of playbooks/: role conventions, lint, sovstack's own check, data kept in step with policies."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = ROOT / "playbooks"
ROLES = sorted(p.name for p in (PLAYBOOKS / "roles").iterdir() if p.is_dir())
README_SECTIONS = ("## Requirements", "## Role Variables", "## Dependencies", "## Example Playbook")


def test_the_five_roles_exist():
    assert ROLES == ["bot_runtime", "common", "egress_guard", "max_alerting", "postgresql"]


@pytest.mark.parametrize("role", ROLES)
def test_role_layout_follows_the_style_guide(role):
    base = PLAYBOOKS / "roles" / role
    for part in ("defaults/main.yml", "vars/main.yml", "tasks/main.yml", "handlers/main.yml", "meta/main.yml",
                 "README.md"):
        assert (base / part).is_file(), f"{role}: {part} missing"
    assert any((base / "templates").iterdir()), f"{role}: no templates"
    readme = (base / "README.md").read_text()
    assert all(s in readme for s in README_SECTIONS), f"{role}: README lacks a section"
    meta = yaml.safe_load((base / "meta/main.yml").read_text())["galaxy_info"]
    assert [p["name"] for p in meta["platforms"]] == ["Debian"]
    main = yaml.safe_load((base / "tasks/main.yml").read_text())
    for task in main:
        action, target = next((k, v) for k, v in task.items() if k.startswith("ansible.builtin."))
        assert action == "ansible.builtin.import_tasks" and (base / "tasks" / target).is_file()


@pytest.mark.parametrize("role", ROLES)
def test_public_variables_are_prefixed_documented_and_internals_hidden(role):
    base = PLAYBOOKS / "roles" / role
    defaults_text = (base / "defaults/main.yml").read_text()
    defaults = yaml.safe_load(defaults_text)
    assert all(k.startswith(f"{role}_") for k in defaults), f"{role}: unprefixed default"
    commented = False  # every variable sits in a paragraph that starts with a comment
    for line in defaults_text.splitlines():
        if not line.strip():
            commented = False
        elif line.startswith("#"):
            commented = True
        elif not line.startswith((" ", "-", "---")):
            assert commented, f"{role}: {line.split(':')[0]} is not documented"
    internals = yaml.safe_load((base / "vars/main.yml").read_text())
    assert all(k.startswith(f"__{role}_") for k in internals), f"{role}: internals must start with __{role}_"
    used = set()
    for path in base.rglob("*"):
        if path.is_file() and path.suffix in (".yml", ".j2"):
            used |= set(re.findall(rf"\b({role}_[a-z0-9_]+)", path.read_text()))
    facts = {f"{role}_verify_spec"}
    assert used - set(defaults) - facts == set(), f"{role}: variables used but not in defaults"


KEYWORDS = {"name", "when", "loop", "loop_control", "register", "notify", "listen", "no_log", "changed_when",
            "failed_when", "vars", "environment", "become", "become_user", "tags", "block", "rescue", "always",
            "until", "retries", "delay", "delegate_to", "run_once", "ignore_errors", "check_mode", "args"}


def _actions(tasks):
    for task in tasks or []:
        yield from (k for k in task if k not in KEYWORDS)
        for part in ("block", "rescue", "always"):
            yield from _actions(task.get(part))


def test_fully_qualified_module_names_everywhere():
    actions = set()
    for path in PLAYBOOKS.rglob("*.yml"):
        doc = yaml.safe_load(path.read_text())
        if path.parent.name in ("tasks", "handlers"):
            actions |= set(_actions(doc))
        elif path.parent == PLAYBOOKS:
            for play in doc:
                actions |= set(_actions(play.get("tasks"))) | ({k for k in play if "import_playbook" in k})
    assert actions and all(a.startswith("ansible.builtin.") for a in actions), sorted(actions)


SECRETS = ("bot_runtime_max_token", "bot_runtime_webhook_secret", "bot_runtime_database_url",
           "bot_runtime_tls_key_src", "max_alerting_token", "max_alerting_auth_token", "postgresql_app_password")


def _tasks():
    for path in sorted((PLAYBOOKS / "roles").rglob("*.yml")):
        if path.parent.name in ("tasks", "handlers"):
            for task in yaml.safe_load(path.read_text()) or []:
                yield path, task
                for inner in task.get("block", []):
                    yield path, inner


def test_every_task_that_handles_a_secret_has_no_log():
    checked = 0
    for path, task in _tasks():
        text = yaml.safe_dump(task)
        tmpl = (task.get("ansible.builtin.template") or {}).get("src")
        if tmpl and "{{" not in tmpl:
            text += (path.parent.parent / "templates" / tmpl).read_text()
        hits = [v for v in SECRETS if v in text]
        if not hits or "ansible.builtin.assert" in task:  # assert prints conditions, never values
            continue
        checked += 1
        assert task.get("no_log") is True, f"{path.relative_to(ROOT)}: {task['name']!r} handles {hits}"
    assert checked >= 6


def test_egress_deny_list_covers_every_messenger_host_in_the_policy_data():
    policy = yaml.safe_load((ROOT / "policies/data/messengers.yaml").read_text())["messengers"]
    defaults = yaml.safe_load((PLAYBOOKS / "roles/egress_guard/defaults/main.yml").read_text())
    deny = defaults["egress_guard_deny_hosts"]
    for key, m in policy.items():
        exact = sorted({e["host"] for e in m["endpoints"] if not e["host"].startswith(".")})
        assert sorted(deny.get(key, [])) == exact, f"{key}: deny list and policy data differ"
    assert set(deny) == set(policy)
    allow = defaults["egress_guard_allow_hosts"]
    assert sorted(allow) == sorted(yaml.safe_load(
        (ROOT / "policies/data/messengers.yaml").read_text())["domestic_endpoints"])


def test_ansible_lint_production_profile_is_clean():
    env = dict(os.environ, PATH=f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}")
    proc = subprocess.run([str(Path(sys.executable).parent / "ansible-lint"), "--profile", "production",
                           "--nocolor", "playbooks/"], cwd=ROOT, capture_output=True, text=True, env=env,
                          timeout=600)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-4000:]
    assert "Profile 'production' was required, and it passed" in proc.stdout + proc.stderr


def test_sovstack_check_of_the_playbooks_is_clean(sovstack):
    code, report = sovstack.json(str(PLAYBOOKS))
    assert report["summary"]["failed"] == 0 and report["summary"]["errors"] == 0, report["findings"][:5]
    assert code == 0
    kinds = {i["kind"] for i in report["inputs"]}
    assert "ansible" in kinds and report["summary"]["passed"] > 100


def test_playbooks_parse_and_target_the_inventory_groups():
    for name, groups in (("bot_servers.yml", {"bot_servers"}), ("storage.yml", {"storage"})):
        plays = yaml.safe_load((PLAYBOOKS / name).read_text())
        assert {p["hosts"] for p in plays} == groups
    site = yaml.safe_load((PLAYBOOKS / "site.yml").read_text())
    roles = {p["hosts"]: [r["role"] for r in p["roles"]] for p in site}
    assert roles == {"bot_servers:storage": ["common", "egress_guard"], "storage": ["postgresql"],
                     "bot_servers": ["bot_runtime", "max_alerting"]}
    for name, play_roles in (("bot_servers.yml", ["common", "egress_guard", "bot_runtime", "max_alerting"]),
                             ("storage.yml", ["common", "egress_guard", "postgresql"])):
        [play] = yaml.safe_load((PLAYBOOKS / name).read_text())
        assert [r["role"] for r in play["roles"]] == play_roles
    env = dict(os.environ, ANSIBLE_CONFIG=str(PLAYBOOKS / "ansible.cfg"))
    inv = PLAYBOOKS / "inventories/example/hosts.yml"
    for pb in ("site.yml", "verify.yml"):
        proc = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "--syntax-check", "-i",
                               str(inv), str(PLAYBOOKS / pb)], capture_output=True, text=True, env=env,
                              timeout=300)
        assert proc.returncode == 0, proc.stdout + proc.stderr
