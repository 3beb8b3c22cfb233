"""Base classes for sovstack policies written as checkov custom checks.

The same check object is run by checkov (through --external-checks-dir) and by sovstack's engine:
checkov calls scan_*_conf and gets PASSED/FAILED; sovstack calls sov_evaluate and gets the hits with
lines and messages. Both go through the same rule code.

checkov's base classes are used only when checkov is running: it has imported itself before it loads our
check files. Under sovstack the policies stand on light stand-ins that keep what the engine reads (id, name,
the supported entities), so a check of an Ansible file does not pay checkov's second of imports.
"""

from __future__ import annotations

import sys
from enum import Enum
from typing import Any, Iterable

from sovstack.checks.base import REGISTRY, Hit

UNDER_CHECKOV = "checkov" in sys.modules

if UNDER_CHECKOV:
    from checkov.ansible.checks.base_ansible_task_check import BaseAnsibleTaskCheck
    from checkov.common.models.enums import CheckCategories, CheckResult
    from checkov.kubernetes.checks.resource.base_spec_check import BaseK8Check
    from checkov.terraform.checks.provider.base_check import BaseProviderCheck
    from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
else:
    class CheckResult(str, Enum):  # checkov's names and values
        PASSED = "PASSED"
        FAILED = "FAILED"

    class CheckCategories(Enum):
        GENERAL_SECURITY = 1

    class _Light:
        """A checkov base class outside checkov: name, id, categories and the supported entities, no registry."""

        supported_attr = ""

        def __init__(self, name: str, id: str, categories: Iterable[Any], supported: Iterable[str], *_: Any) -> None:
            self.name, self.id, self.categories = name, id, list(categories)
            setattr(self, self.supported_attr, list(supported))
            self.details: list[str] = []

    class BaseResourceCheck(_Light):
        supported_attr = "supported_resources"

    class BaseProviderCheck(_Light):
        supported_attr = "supported_provider"

    class BaseAnsibleTaskCheck(_Light):
        supported_attr = "supported_modules"

    class BaseK8Check(_Light):
        supported_attr = "supported_specs"


def _title(policy_id: str) -> str:
    """The name checkov shows: from the catalogue the engine is loading; checkov itself (--external-checks-dir)
    loads the default one. Outside checkov no other catalogue is loaded here: that would switch the rules to the
    default catalogue's data."""
    try:
        if REGISTRY.catalogue is not None:
            return REGISTRY.catalogue.get(policy_id).title.en
        if not UNDER_CHECKOV:
            return policy_id
        from sovstack.catalogue import load_default

        return load_default().get(policy_id).title.en
    except Exception:  # the catalogue is optional for checkov users
        return policy_id


class _SovMixin:
    sov_targets: tuple[str, ...] = ()
    sov_module_prefixes: tuple[str, ...] = ()

    def sov_evaluate(self, conf: dict[str, Any], entity_type: str) -> list[Hit]:
        raise NotImplementedError

    def _verdict(self, conf: dict[str, Any], entity_type: str) -> CheckResult:
        hits = self.sov_evaluate(conf, entity_type)
        self.details = [h.message for h in hits]
        return CheckResult.FAILED if hits else CheckResult.PASSED


class TerraformResourceCheck(_SovMixin, BaseResourceCheck):
    sov_targets = ("terraform-resource",)
    kinds = ("terraform",)  # the document kinds it reads: its checkov framework

    def __init__(self, policy_id: str, supported_resources: Iterable[str]) -> None:
        super().__init__(_title(policy_id), policy_id, [CheckCategories.GENERAL_SECURITY], list(supported_resources))
        REGISTRY.register(self)

    def scan_entity_conf(self, conf: dict[str, Any], entity_type: str) -> CheckResult:
        self.entity_type = entity_type
        return self._verdict(conf, entity_type)

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        return self._verdict(conf, getattr(self, "entity_type", ""))


class TerraformProviderCheck(_SovMixin, BaseProviderCheck):
    sov_targets = ("terraform-provider",)
    kinds = ("terraform",)  # the document kinds it reads: its checkov framework

    def __init__(self, policy_id: str, supported_provider: Iterable[str]) -> None:
        super().__init__(_title(policy_id), policy_id, [CheckCategories.GENERAL_SECURITY], list(supported_provider))
        REGISTRY.register(self)

    def scan_entity_conf(self, conf: dict[str, Any], entity_type: str) -> CheckResult:
        self.entity_type = entity_type
        return self._verdict(conf, entity_type)

    def scan_provider_conf(self, conf: dict[str, Any]) -> CheckResult:
        return self._verdict(conf, getattr(self, "entity_type", ""))


class AnsibleTaskCheck(_SovMixin, BaseAnsibleTaskCheck):
    """Runs on tasks (and handlers) that use one of supported_modules; sees the whole task."""

    sov_targets = ("ansible-task",)
    kinds = ("ansible",)  # the document kinds it reads: its checkov framework

    def __init__(self, policy_id: str, supported_modules: Iterable[str], module_prefixes: Iterable[str] = ()) -> None:
        super().__init__(_title(policy_id), policy_id, [CheckCategories.GENERAL_SECURITY], list(supported_modules),
                         "yamlarray")  # checkov BlockType.ARRAY: each task the entity paths select
        self.sov_module_prefixes = tuple(module_prefixes)
        REGISTRY.register(self)

    def sov_applies(self, module: str) -> bool:
        return module in self.supported_modules or module.startswith(self.sov_module_prefixes or ("\0",))

    def scan_conf(self, conf: dict[str, Any]) -> tuple[CheckResult, dict[str, Any]]:
        task = getattr(self, "entity_conf", None) or {}
        module = next((m for m in self.supported_modules if m in task), "")
        return self._verdict(task, module), conf


class KubernetesCheck(_SovMixin, BaseK8Check):
    sov_targets = ("kubernetes",)
    kinds = ("kubernetes",)  # the document kinds it reads: its checkov framework

    def __init__(self, policy_id: str, supported_kinds: Iterable[str]) -> None:
        super().__init__(_title(policy_id), policy_id, [CheckCategories.GENERAL_SECURITY], list(supported_kinds))
        REGISTRY.register(self)

    def scan_spec_conf(self, conf: dict[str, Any]) -> CheckResult:
        return self._verdict(conf, conf.get("kind", "") if isinstance(conf, dict) else "")
