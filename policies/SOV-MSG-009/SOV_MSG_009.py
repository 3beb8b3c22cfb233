"""SOV-MSG-009: Kubernetes workload given foreign-messenger credentials or endpoints."""

from sovstack.checks.base import Hit
from sovstack.checks.checkov_base import KubernetesCheck
from sovstack.extract import kubernetes
from sovstack.facts import of_node


class KubernetesForeignMessenger(KubernetesCheck):
    def __init__(self) -> None:
        super().__init__("SOV-MSG-009", kubernetes.KINDS)

    def sov_evaluate(self, conf, kind):
        return [Hit(f.message, line=f.line) for f in of_node(conf, kind, kubernetes.workload_channels)
                if f.how in kubernetes.HOWS]


check = KubernetesForeignMessenger()
