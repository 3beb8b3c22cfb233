"""Terraform parsing: checkov's HCL parser, and the retry for template directives its grammar does not read."""

import pytest

from sovstack.collect import hcl


def test_template_directive_with_quotes_is_read():
    data = hcl.loads('locals {\n  prefix = "%{if var.prefix != ""}${var.prefix}-%{endif}"\n  other = "a\\"b"\n}\n')
    assert data["locals"][0]["prefix"] == ["%{if var.prefix != ''}${var.prefix}-%{endif}"]  # hcl2 0.4 lists values
    assert data["locals"][0]["other"] == ['a\\"b']


def test_directives_in_comments_and_heredocs_are_left_alone():
    text = ('# "%{if x != ""}"\nlocals {\n  a = "%{ for k in var.l }${k}%{ endfor }"\n  b = <<EOT\n'
            '%{ if v != "" }\n${v}\n%{ endif }\nEOT\n  c = "%{if y == "z"}q%{endif}"\n}\n')
    neutral = hcl.neutralise_directives(text)
    assert len(neutral) == len(text) and neutral.count('"') == text.count('"') - 2  # only the two in `c`
    data = hcl.loads(text)["locals"][0]
    assert '%{ if v != "" }' in data["b"][0] and data["c"] == ["%{if y == 'z'}q%{endif}"]


def test_malformed_hcl_is_still_an_error_naming_the_original_place():
    with pytest.raises(hcl.HclError, match="line 2"):
        hcl.loads('resource "x" "y" {\n  a = \n')


@pytest.mark.parametrize("text", [
    'locals {\n  a = provider::aws::arn_parse(var.arn)\n}\n',  # provider-defined functions (Terraform 1.8)
    'ephemeral "random_password" "db" {\n  length = 16\n}\n',  # ephemeral resources (1.10)
    'import {\n  to = aws_instance.x\n  id = "i-1"\n}\n',
    'removed {\n  from = aws_instance.x\n  lifecycle {\n    destroy = false\n  }\n}\n',
    'check "h" {\n  assert {\n    condition     = 1 == 1\n    error_message = "x"\n  }\n}\n',
    'locals {\n  a = aws_instance.x[*].id\n  b = [for k, v in var.m : v if k != ""]\n  c = {for k, v in var.m : k => v...}\n}\n',
    'locals {\n  a = <<-EOT\n  %{~ for x in var.l ~}\n  ${x}\n  %{~ endfor ~}\n  EOT\n}\n',
    'variable "v" {\n  type = object({\n    a = optional(string, "x")\n  })\n}\n',
    'locals {\n  a = "%{ for k in ["a", "b"] }${k}%{ endfor }"\n  b = "%{~ if var.x ~}y%{~ endif ~}"\n}\n',
])
def test_current_terraform_constructs_are_read(text):
    assert hcl.loads(text)
