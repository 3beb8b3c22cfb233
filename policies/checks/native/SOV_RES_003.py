"""SOV-RES-003: Terraform state backend abroad."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.rules.locations import Place, classify_endpoint
from sovstack.rules.placement import scalar

ABROAD_ALWAYS = {"gcs": "Google Cloud Storage", "azurerm": "Azure Storage", "oss": "Alibaba Cloud OSS",
                 "cos": "Tencent Cloud COS", "manta": "Joyent Manta"}
ENDPOINT_KEYS = {"s3": ("endpoint", "endpoints"), "remote": ("hostname",), "cloud": ("hostname",),
                 "http": ("address",), "consul": ("address",), "pg": ("conn_str",)}
DEFAULTS = {"s3": "s3.amazonaws.com", "remote": "app.terraform.io", "cloud": "app.terraform.io"}


def _endpoint(kind, conf):
    for key in ENDPOINT_KEYS.get(kind, ()):
        value = scalar(conf.get(key))
        if isinstance(value, dict):
            value = scalar(value.get("s3"))
        if isinstance(value, str) and value:
            return key, value
    return None, DEFAULTS.get(kind)


class TerraformBackendAbroad(NativeCheck):
    id = "SOV-RES-003"
    kinds = ("terraform",)

    def scan(self, doc):
        data = doc.data[0] if doc.data else {}
        for tf in data.get("terraform") or []:
            blocks = list(tf.get("backend") or [])
            if tf.get("cloud"):
                blocks.append({"cloud": scalar(tf["cloud"]) or {}})
            for block in blocks:
                for kind, conf in block.items():
                    conf = conf if isinstance(conf, dict) else {}
                    where = dict(needle=f'backend "{kind}"' if kind != "cloud" else "cloud",
                                 start=tf.get("__start_line__"), end=tf.get("__end_line__"))
                    if kind in ABROAD_ALWAYS:
                        yield Hit(f"Terraform state is kept in {ABROAD_ALWAYS[kind]}, outside Russia", **where)
                        continue
                    key, endpoint = _endpoint(kind, conf)
                    if not endpoint:
                        continue
                    verdict = classify_endpoint(endpoint)
                    if verdict.place is Place.ABROAD:
                        if key:
                            where["needle"] = key
                        yield Hit(f"Terraform state backend {kind} is abroad: {verdict.reason}", **where)


check = TerraformBackendAbroad()
