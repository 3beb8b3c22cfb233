"""The line-numbered YAML loader: lines, aliases, limits and template desugaring."""

import pytest
import yaml

from sovstack.collect import yamlload


def test_lines_of_mappings_and_keys():
    loaded = yamlload.load("a: 1\nb:\n  c: x\n  d: [1, 2]\n")
    doc = loaded.docs[0]
    assert doc["__startline__"] == 1 and doc["b"]["__startline__"] == 3
    assert loaded.key_lines[id(doc["b"])]["d"] == 4
    assert [(s.value, s.line) for s in loaded.scalars if not s.is_key] == [("x", 3)]


def test_merge_keys_and_aliases():
    doc = yamlload.load("base: &b {x: 1}\nchild:\n  <<: *b\n  y: 2\n").docs[0]
    assert doc["child"]["x"] == 1 and doc["child"]["y"] == 2


def test_alias_bomb_is_rejected_quickly():
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(8))
    with pytest.raises(yamlload.YamlLimitError):
        yamlload.load(bomb)


def test_deep_nesting_is_rejected():
    with pytest.raises((yamlload.YamlLimitError, yaml.YAMLError, RecursionError)):
        yamlload.load("[" * 5000 + "]" * 5000)


def test_desugar_keeps_lines_and_expressions():
    text = "g:\n  url: {{ SLACK_API_URL }}\n{% if x %}\n  t: '{{ template \"a\" . }}'\n{% endif %}\n"
    doc = yamlload.load(yamlload.desugar_template(text)).docs[0]
    assert doc["g"]["url"] == "{{ SLACK_API_URL }}"
    assert doc["g"]["t"] == '{{ template "a" . }}'


def test_every_standard_and_local_tag_reads_as_its_text():
    doc = yamlload.load("enum: [!!value =, !!str 12]\nsecret: !vault |\n  $ANSIBLE_VAULT;1.1\nraw: !unsafe '{{ x }}'\n"
                        "evil: !!python/object/apply:os.system [echo]\nn: !!int 3\n").docs[0]
    assert doc["enum"] == ["=", "12"] and doc["n"] == 3
    assert doc["secret"].startswith("$ANSIBLE_VAULT") and doc["raw"] == "{{ x }}"
    assert doc["evil"] == ["echo"]  # never constructed: a tagged sequence is only its items


def test_desugar_drops_go_control_lines_and_multiline_comments():
    text = ("{{- /*\ngenerated: do not edit\n*/ -}}\n{{- if .Values.enabled }}\napiVersion: v1\nkind: ConfigMap\n"
            "data:\n  {{- toYaml .Values.data | nindent 2 }}\n  url: {{ .Values.url }}\n{{- end }}\n")
    desugared = yamlload.desugar_template(text)
    assert desugared.count("\n") == text.count("\n")
    doc = yamlload.load(desugared).docs[0]
    assert doc["kind"] == "ConfigMap" and doc["data"]["url"] == "{{ .Values.url }}"
    assert doc["__startline__"] == 5
