"""Synthetic country estate for the scale benchmark: N regions, each with a Pulumi stack (~30-40 resources, the
real infra/ program), Ansible playbooks and roles, alerting configs (Alertmanager, Grafana), Terraform for its
cloud-hosted parts and a Kubernetes manifest; a controlled share of regions carry violations.

    python bench/estate.py OUT --regions 89 [--violations 0.1] [--seed 1]

Everything is derived from the region number and the seed: the same arguments give the same tree.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEMPLATES = ["chelyabinsk", "udmurtia", "tyumen", "novosibirsk", "nizhny-novgorod"]  # one per platform/site

PLAYBOOK = """---
- name: Bot servers of {region}
  hosts: bot_servers
  become: true
  roles:
    - role: bot
    - role: notify

- name: Storage of {region}
  hosts: storage
  become: true
  roles:
    - role: db
"""

BOT_TASKS = """---
- name: Create the service user
  ansible.builtin.user:
    name: maxbot
    system: true
    shell: /usr/sbin/nologin

- name: Install the bot runtime packages
  ansible.builtin.apt:
    name: [python3, python3-venv, nginx]
    state: present

- name: Write the bot environment file
  ansible.builtin.template:
    src: bot.env.j2
    dest: /etc/maxbot/bot.env
    mode: "0600"
  no_log: true

- name: Start the bot service
  ansible.builtin.service:
    name: maxbot
    state: started
    enabled: true
"""

BOT_ENV = """MAX_API_URL=https://platform-api2.max.ru
MAX_BOT_TOKEN={{{{ bot_max_token }}}}
DATABASE_URL=postgresql://maxbot@{db_host}:5432/appeals
"""

NOTIFY_OK = """---
- name: Tell the ministry chat in MAX that the deployment finished
  ansible.builtin.uri:
    url: "https://platform-api2.max.ru/messages?chat_id={{{{ notify_max_chat_id }}}}"
    method: POST
    headers:
      Authorization: "{{{{ notify_max_bot_token }}}}"
    body_format: json
    body:
      text: "{region}: deployment finished on {{{{ inventory_hostname }}}}"
  no_log: true
"""

NOTIFY_BAD = """---
- name: Tell the duty chat in Telegram that the deployment finished
  community.general.telegram:
    token: "{{{{ telegram_token }}}}"
    api_args:
      chat_id: "{{{{ telegram_chat }}}}"
      text: "{region}: deployment finished"
"""

DB_TASKS = """---
- name: Install PostgreSQL
  ansible.builtin.apt:
    name: postgresql
    state: present

- name: Put the data directory on the data volume
  ansible.builtin.lineinfile:
    path: /etc/postgresql/15/main/postgresql.conf
    regexp: "^data_directory"
    line: "data_directory = '/srv/pgdata'"
  notify: Restart postgresql

- name: Schedule the nightly dump to the backup site
  ansible.builtin.cron:
    name: pg dump
    hour: "2"
    minute: "0"
    job: "pg_dumpall | gzip > /srv/backup/all-$(date +\\\\%F).sql.gz"
"""

DB_HANDLERS = """---
- name: Restart postgresql
  ansible.builtin.service:
    name: postgresql
    state: restarted
"""

GROUP_VARS = """---
sovstack_region: {region}
notify_max_chat_id: "-{chat}"
bot_max_token: "{{{{ vault_bot_max_token }}}}"
ntp_servers: [ntp1.vniiftri.ru, ntp2.vniiftri.ru]
apt_mirror: https://mirror.yandex.ru/debian
"""

ALERTMANAGER_OK = """route:
  receiver: max
  group_by: [alertname, region]
receivers:
  - name: max
    webhook_configs:
      - url: http://127.0.0.1:9095/alertmanager
        send_resolved: true
"""

ALERTMANAGER_BAD = """route:
  receiver: duty
receivers:
  - name: duty
    telegram_configs:
      - bot_token_file: /etc/alertmanager/telegram.token
        chat_id: -{chat}
"""

GRAFANA = """apiVersion: 1
contactPoints:
  - orgId: 1
    name: max-bridge
    receivers:
      - uid: max-{n}
        type: webhook
        settings:
          url: http://127.0.0.1:9095/grafana
"""

TERRAFORM_OK = """terraform {{
  required_providers {{
    yandex = {{ source = "yandex-cloud/yandex" }}
  }}
}}

provider "yandex" {{
  zone = "ru-central1-a"
}}

resource "yandex_storage_bucket" "media" {{
  bucket = "{region}-channel-media"
}}

resource "yandex_mdb_postgresql_cluster" "analytics" {{
  name        = "{region}-analytics"
  environment = "PRODUCTION"
  network_id  = "enp{n:05d}"
  host {{
    zone = "ru-central1-b"
  }}
}}
"""

TERRAFORM_BAD = TERRAFORM_OK.replace('zone = "ru-central1-a"', 'zone = "kz1-a"').replace(
    'zone = "ru-central1-b"', 'zone = "kz1-a"')

K8S = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: appeals-bot
  namespace: {region}
spec:
  replicas: 2
  selector:
    matchLabels: {{app: appeals-bot}}
  template:
    metadata:
      labels: {{app: appeals-bot}}
    spec:
      containers:
        - name: bot
          image: registry.gov.local/appeals-bot:1.4.2
          env:
            - name: MAX_API_URL
              value: https://platform-api2.max.ru
"""


def region_name(n: int) -> str:
    return f"region-{n:02d}"


def stack_file(template: str, region: str, n: int) -> str:
    """A region's stack: a template region's stack with the region renamed and its own private subnet."""
    text = (ROOT / f"Pulumi.{template}.yaml").read_text(encoding="utf-8")
    text = re.sub(r"(sovstack:region:\s*)\S+", rf"\g<1>{region}", text)
    text = re.sub(r"(- name:\s*)(\S+)", lambda m: f"{m.group(1)}{region}-{m.group(2)}"[:63], text)  # bucket names
    # third octet of the bot subnet varies by region so that stacks do not share addresses
    return re.sub(r"(cidr:\s*\d+\.\d+\.)\d+(\.0/24)", rf"\g<1>{20 + n % 200}\g<2>", text)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def generate(out: Path, regions: int, violations: float, seed: int) -> dict[str, int]:
    if out.exists():
        shutil.rmtree(out)
    rng = random.Random(seed)
    bad = set(rng.sample(range(1, regions + 1), round(regions * violations)))
    pulumi_dir = out / "pulumi"
    shutil.copytree(ROOT / "infra", pulumi_dir / "infra", ignore=shutil.ignore_patterns("__pycache__"))
    (pulumi_dir / "policies" / "data").mkdir(parents=True)
    shutil.copy(ROOT / "policies/data/sites.yaml", pulumi_dir / "policies/data/sites.yaml")
    shutil.copy(ROOT / "Pulumi.yaml", pulumi_dir / "Pulumi.yaml")
    for n in range(1, regions + 1):
        region = region_name(n)
        write(pulumi_dir / f"Pulumi.{region}.yaml", stack_file(TEMPLATES[n % len(TEMPLATES)], region, n))
        base = out / "regions" / region
        fmt = {"region": region, "n": n, "chat": 100000 + n, "db_host": f"10.{n % 250}.20.5"}
        write(base / "playbooks/site.yml", PLAYBOOK.format(**fmt))
        write(base / "playbooks/group_vars/all.yml", GROUP_VARS.format(**fmt))
        write(base / "playbooks/roles/bot/tasks/main.yml", BOT_TASKS)
        write(base / "playbooks/roles/bot/templates/bot.env.j2", BOT_ENV.format(**fmt))
        write(base / "playbooks/roles/notify/tasks/main.yml", (NOTIFY_BAD if n in bad else NOTIFY_OK).format(**fmt))
        write(base / "playbooks/roles/db/tasks/main.yml", DB_TASKS)
        write(base / "playbooks/roles/db/handlers/main.yml", DB_HANDLERS)
        write(base / "monitoring/alertmanager.yml", (ALERTMANAGER_BAD if n in bad else ALERTMANAGER_OK).format(**fmt))
        write(base / "monitoring/grafana/contact-points.yaml", GRAFANA.format(**fmt))
        write(base / "terraform/main.tf", (TERRAFORM_BAD if n in bad else TERRAFORM_OK).format(**fmt))
        write(base / "k8s/deployment.yaml", K8S.format(**fmt))
    files = sum(1 for p in out.rglob("*") if p.is_file())
    return {"regions": regions, "violating_regions": len(bad), "files": files}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--regions", type=int, default=89)
    ap.add_argument("--violations", type=float, default=0.1, help="share of regions with violations (0..1)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    stats = generate(args.out, args.regions, args.violations, args.seed)
    print(f"estate at {args.out}: {stats['regions']} regions ({stats['violating_regions']} with violations), "
          f"{stats['files']} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
