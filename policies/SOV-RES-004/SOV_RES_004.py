"""SOV-RES-004: Ansible task that provisions resources in a foreign cloud."""

from sovstack import resolve
from sovstack.checks.base import Hit
from sovstack.checks.checkov_base import AnsibleTaskCheck
from sovstack.rules import placement
from sovstack.rules.locations import Place, classify_endpoint, classify_region, is_foreign_operator, operator

VAR_FILE_DIRS = {"defaults", "vars", "group_vars", "host_vars"}
OPENSTACK_MODULES = ("openstack.cloud.", "os_")
ENDPOINT_ARGS = ("endpoint_url", "endpoint", "s3_url", "ec2_url", "aws_endpoint_url")

# Listed for checkov, which matches exact module names; sovstack matches whole collections.
COMMON = ["amazon.aws.ec2_instance", "amazon.aws.s3_bucket", "amazon.aws.s3_object", "amazon.aws.rds_instance",
          "amazon.aws.ec2_vol", "amazon.aws.ec2_vpc_net", "amazon.aws.cloudformation", "community.aws.rds_instance",
          "google.cloud.gcp_compute_instance", "google.cloud.gcp_storage_bucket", "google.cloud.gcp_sql_instance",
          "azure.azcollection.azure_rm_virtualmachine", "azure.azcollection.azure_rm_storageaccount",
          "azure.azcollection.azure_rm_resourcegroup", "hetzner.hcloud.server", "hetzner.hcloud.volume",
          "community.digitalocean.digital_ocean_droplet", "ec2_instance", "s3_bucket", "rds_instance",
          "gcp_compute_instance", "azure_rm_virtualmachine", "hcloud_server", "digital_ocean_droplet"]


class ForeignCloudAnsibleTask(AnsibleTaskCheck):
    def __init__(self) -> None:
        super().__init__("SOV-RES-004", COMMON)

    def sov_applies(self, module):
        return True  # every task is evaluated, so a clean playbook reports this policy as passed

    def sov_evaluate(self, task, module):
        sc = resolve.current()
        if sc is not None and VAR_FILE_DIRS & set(sc.doc.path.parts[:-1]):
            return []  # a variables file (defaults, vars, group_vars): its keys are variables, not modules
        if module.startswith(OPENSTACK_MODULES):
            return self._openstack(task, module)
        oid = placement.ansible_module_operator(module)
        if not is_foreign_operator(oid):
            return []
        args = task.get(module) if isinstance(task.get(module), dict) else {}
        endpoints = [_endpoint(args[k], task) for k in ENDPOINT_ARGS if isinstance(args.get(k), str)]
        if endpoints and all(v.place is Place.DOMESTIC for v in endpoints):
            return []  # S3-compatible storage in Russia driven by a foreign SDK
        region = next((args[k] for k in ("region", "location", "zone", "aws_region") if isinstance(args.get(k), str)), None)
        where = f" in {region}" if region else ""
        return [Hit(f"task {task.get('name') or 'unnamed'!r} provisions {module} on {operator(oid)[1]['name']}{where},"
                    " which has no region in Russia", needle=f"{module}:", start=task.get("__startline__"),
                    end=task.get("__endline__"))]

    def _openstack(self, task, module):
        """An OpenStack module placed by its auth_url and region_name (a Russian operator's foreign pool is abroad)."""
        args = task.get(module) if isinstance(task.get(module), dict) else {}
        auth = args.get("auth") if isinstance(args.get("auth"), dict) else {}
        url = _resolved(auth.get("auth_url") or args.get("auth_url"), task)
        region = _resolved(args.get("region_name"), task)
        if not url:
            return []
        verdict = classify_endpoint(url)
        if verdict.place is Place.DOMESTIC and verdict.operator and region:
            try:
                verdict = classify_region(region, verdict.operator)
            except KeyError:  # a site, not an operator: its endpoint decides
                return []
        if verdict.place is not Place.ABROAD:
            return []
        return [Hit(f"task {task.get('name') or 'unnamed'!r} provisions {module} abroad: {verdict.reason}",
                    needle="region_name" if region else "auth_url", start=task.get("__startline__"),
                    end=task.get("__endline__"))]


def _resolved(value, task):
    """A Jinja argument with one known value (role defaults, group_vars, play vars...), or None."""
    if isinstance(value, str) and "{{" in value:
        cands = resolve.jinja(value, task)
        return cands[0].value if len(cands) == 1 and isinstance(cands[0].value, str) else None
    return value if isinstance(value, str) else None


def _endpoint(value, task):
    """Verdict on an endpoint argument, its Jinja variables resolved (role defaults, group_vars, play vars...)."""
    cands = resolve.jinja(value, task) if "{{" in value else [resolve.Resolved(value)]
    if cands and all(isinstance(c.value, str) for c in cands):
        verdicts = [classify_endpoint(c.value) for c in cands]
        return next((v for v in verdicts if v.place is not Place.DOMESTIC), verdicts[0])
    return classify_endpoint(value)


check = ForeignCloudAnsibleTask()
