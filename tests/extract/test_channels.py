"""Channel facts from hand-made evasions: varied spellings, other files, encodings, look-alikes that stay clean."""

from __future__ import annotations

import base64
from pathlib import Path

from sovstack import runner
from sovstack.models import Status

from treecheck import failed_by_file

FAILING = {
    "upper-scheme.env": "WATCHTOWER_NOTIFICATION_URL=TELEGRAM://tok@telegram?chats=1\n",
    "apprise.yml": "apprise:\n  urls:\n    - 'msteams://a/b/c/d'\n",
    "generic-proxy.sh": "curl -sS \"http://10.0.0.5:8081/bot{{ tg_token }}/sendDocument\" -F document=@/tmp/r.txt\n",
    "token-after-bot.conf": "url = https://relay.example.net/bot1234567890:AAAbbbcccdddeeefffggghhhiiijjjkkklll/sendMessage\n",
    "Containerfile": "FROM node:20\nRUN npm install --omit=dev node-telegram-bot-api@0.66.0\n",
    "requirements/base.txt": "aiogram>=3\n",
    "requirements.in": "slack_bolt\n",
    "ci.yml": "steps:\n  - uses: rtCamp/action-slack-notify@v2\n",
    "deny-word-service.yml": ("services:\n  refused-appeals-notifier:\n    image: app:1\n    environment:\n"
                              "      HOOK: https://hooks.slack.com/services/T000/B000/XXXXXXXX\n"),
    "blocked-by-name.yml": "drop_old_notifier:\n  url: https://api.telegram.org/bot{{ t }}/sendMessage\n",
    "bot.go": 'package main\n\nimport (\n\ttgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"\n)\n',
    "index.mjs": "import { Telegraf } from 'telegraf'\n",
    "web/Notify.tsx": "import { Bot } from 'grammy'\n",
    "b64-secret.yaml": ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: hook\ndata:\n"
                        "  HOOK: aHR0cHM6Ly9ob29rcy5zbGFjay5jb20vc2VydmljZXMvVDAwL0IwMC9YWA==\n"),
    "pct.env": "NOTIFY=https%3A%2F%2Fapi.telegram.org%2Fbot%7BT%7D%2FsendMessage\n",
    "gatus.yaml": "alerting:\n  telegram:\n    token: ${TG_TOKEN}\n    id: '-100123'\nendpoints: []\n",
    "botkube.yaml": "communications:\n  default-group:\n    socketSlack:\n      enabled: true\n      channels: {}\n",
    "wf.yml": "jobs:\n  n:\n    steps:\n      - uses: docker://appleboy/drone-telegram:1.3\n",
    "Dockerfile": "FROM node:20\nRUN bun add grammy\n",
    "v6.conf": "upstream tg {\n  server [2001:b28:f23d::a]:443;\n}\n",
    "v4-mapped.env": "RELAY=http://[::ffff:149.154.167.220]:80/\n",
    "alerts.txt": "# apprise\nops = discord://1234/abcdef\n",
    "deploy.sh": "docker run -d \\\n  -e A=1 --name x \\\n  benjojo/alertmanager-discord\n",
    "ops.service": "[Service]\nExecStart=/usr/bin/docker run --rm -i janw/alertmanager-telegram\n",
    "kubectl.sh": "kubectl run tg --image docker.io/metalmatze/alertmanager-bot:0.4.3 --restart=Never\n",
    "falco.env": "TEAMS_WEBHOOKURL=http://relay.internal/teams\n",
    "nat64.conf": "upstream tg { server [64:ff9b::149.154.167.220]:443; }\n",
    "alertbot.container": "[Container]\nImage=quay.io/prometheusmsteams/prometheus-msteams:v1.5.2\n",
}

CLEAN = {
    "mattermost.env": "WATCHTOWER_NOTIFICATION_URL=mattermost://chat.example.ru/token\n",
    "ntfy.env": "WATCHTOWER_NOTIFICATION_URL=ntfy://ntfy.example.ru/updates\n",
    "deny.yml": "egress_guard_deny_hosts:\n  - api.telegram.org\nblocked_domains: [discord.com]\n",
    "fw.sh": "iptables -A OUTPUT -d 149.154.167.220 -j DROP\n",
    "crd.yaml": ("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: x.example.io\n"
                 "spec:\n  versions:\n    - name: v1\n      schema:\n        openAPIV3Schema:\n          properties:\n"
                 "            apiURL:\n              default: https://api.telegram.org\n              description: "
                 "See https://api.slack.com/docs and tgram://token\n"),
    "notes.yml": "settings:\n  description: Alerts used to go to telegram://bot@telegram, now to MAX\n",
    "requirements.txt": "slackware-tools==1.0\nmaxapi==0.9\n",
    "ci.yml": "steps:\n  - uses: actions/checkout@v4\n  - uses: ./local/telegram-like\n",
    "gatus.yaml": "alerting:\n  slack:\n    enabled: false\n    webhook-url: ''\n  mattermost:\n    webhook-url: https://chat.example.ru/hooks/x\n",
    "v6.sh": "ip6tables -A OUTPUT -d 2001:67c:4e8::1 -j DROP\nping6 -c1 2001:db8::1\n",
    "links.txt": "Apprise Telegram: https://github.com/caronc/apprise/wiki/Notify_telegram\nuse tgram://token/chat\n",
    "run.sh": "docker run -d mattermost/mattermost-team-edition\necho \"docker run metalmatze/alertmanager-bot\"\n",
    "b64.yaml": "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  URL: aHR0cHM6Ly9wbGF0Zm9ybS1hcGkyLm1heC5ydS9tZXNzYWdlcw==\n",
}


def _run(tmp: Path, files: dict[str, str], catalogue) -> dict[str, set[str]]:
    return failed_by_file(tmp, files, catalogue, lambda f: f.category == "foreign-messenger", lambda f: f.policy_id)


def test_evasions_fail(tmp_path, catalogue):
    found = _run(tmp_path, FAILING, catalogue)
    missed = sorted(set(FAILING) - set(found))
    assert not missed, f"missed: {missed}"


def test_look_alikes_stay_clean(tmp_path, catalogue):
    assert _run(tmp_path, CLEAN, catalogue) == {}


def test_base64_alertmanager_in_secret_reported_at_outer_line(tmp_path, catalogue):
    am = "route:\n  receiver: a\nreceivers:\n  - name: a\n    discord_configs:\n      - webhook_url_file: /x\n"
    text = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: alertmanager-main\ndata:\n"
            f"  alertmanager.yaml: {base64.b64encode(am.encode()).decode()}\n")
    (tmp_path / "s.yaml").write_text(text, encoding="utf-8")
    res = runner.run(runner.Options(paths=[tmp_path]), catalogue)
    hits = [f for f in res.findings if f.status is Status.FAILED and f.policy_id == "SOV-MSG-004"]
    assert [(h.file, h.line) for h in hits] == [("s.yaml", 6)]
    assert "base64" in hits[0].chain[0].note


def test_channel_chain_names_the_place(tmp_path, catalogue):
    (tmp_path / "flux.yaml").write_text("apiVersion: notification.toolkit.fluxcd.io/v1beta3\nkind: Provider\n"
                                        "metadata:\n  name: tg\nspec:\n  type: telegram\n", encoding="utf-8")
    res = runner.run(runner.Options(paths=[tmp_path]), catalogue)
    hit = next(f for f in res.findings if f.policy_id == "SOV-MSG-011" and f.status is Status.FAILED)
    assert hit.line == 6 and hit.chain and hit.chain[0].file == "flux.yaml" and "Provider tg" in hit.chain[0].note
