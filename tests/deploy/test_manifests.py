"""The production deployment in deploy/ validates offline against the Kubernetes schemas
(`kubernetes-validate`, strict: no unknown field) and the Compose specification (the schema
`check-jsonschema` ships), and agrees with the code: every setting it sets exists, every
secret a pod reads is declared, and a stopping worker outlasts the longest activity."""

import json
from importlib.resources import files
from pathlib import Path

import jsonschema
import pytest
import yaml
from kubernetes_validate.utils import latest_version
from kubernetes_validate.utils import validate as validate_k8s
from pydantic import SecretStr

from settings import Settings
from workflows import policies

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
K8S = sorted(p for p in (DEPLOY / "k8s").glob("*.yaml") if p.name != "kustomization.yaml")


def documents(path: Path) -> list[dict]:
    return [d for d in yaml.safe_load_all(path.read_text()) if d]


def resources() -> dict[tuple[str, str], dict]:
    return {(d["kind"], d["metadata"]["name"]): d for p in K8S for d in documents(p)}


def longest_activity_seconds() -> float:
    found = [p.timeout for p in vars(policies).values() if isinstance(p, policies.Policy)]
    return max(found).total_seconds()


@pytest.mark.parametrize("path", K8S, ids=lambda p: p.name)
def test_each_manifest_is_valid_kubernetes(path):
    for document in documents(path):
        validate_k8s(document, latest_version(), strict=True)


def test_kustomization_lists_manifests_that_exist():
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    assert all((DEPLOY / "k8s" / name).exists() for name in kustomization["resources"])


def test_the_compose_file_is_valid_compose():
    schema_file = files("check_jsonschema.builtin_schemas.vendor") / "compose-spec.json"
    schema = json.loads(schema_file.read_text())
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    errors = [e.message for e in jsonschema.Draft7Validator(schema).iter_errors(compose)]
    assert errors == []
    worker = compose["services"]["worker"]
    grace = float(worker["environment"]["WORKER_SHUTDOWN_GRACE_SECONDS"])
    assert float(worker["stop_grace_period"].rstrip("s")) > grace > longest_activity_seconds()


def test_a_stopping_worker_outlasts_the_longest_activity_and_its_probe_reads_its_beat():
    found = resources()
    config = found["ConfigMap", "consortia-settings"]["data"]
    pod = found["Deployment", "consortia-worker"]["spec"]["template"]["spec"]
    grace = float(config["WORKER_SHUTDOWN_GRACE_SECONDS"])
    assert pod["terminationGracePeriodSeconds"] > grace > longest_activity_seconds()
    [worker] = pod["containers"]
    probe = worker["livenessProbe"]["exec"]["command"]
    assert probe[:3] == ["python", "-m", "deploy.worker_health"]
    assert probe[3] == config["WORKER_HEALTH_FILE"]
    assert found["Deployment", "consortia-worker"]["spec"]["replicas"] >= 2


def test_every_setting_named_exists_and_every_secret_setting_comes_from_a_secret():
    found = resources()
    fields = Settings.model_fields
    secrets = {name: d for (kind, name), d in found.items() if kind == "Secret"}
    named = set(found["ConfigMap", "consortia-settings"]["data"])
    for secret in secrets.values():
        named |= set(secret["stringData"])
    assert {n for n in named if n.lower() not in fields} == set()
    secret_settings = {
        name.upper() for name, f in fields.items() if SecretStr in _types(f.annotation)
    }
    from_secrets = {key for s in secrets.values() for key in s["stringData"]}
    assert secret_settings <= from_secrets
    for kind, name in (("Deployment", "consortia-worker"), ("Deployment", "consortia-web")):
        [container] = found[kind, name]["spec"]["template"]["spec"]["containers"]
        refs = {e["secretRef"]["name"] for e in container["envFrom"] if "secretRef" in e}
        assert refs <= set(secrets), refs - set(secrets)


def test_the_temporal_chart_values_keep_persistence_and_visibility_on_postgresql():
    values = yaml.safe_load((DEPLOY / "temporal" / "values-postgresql.yaml").read_text())
    persistence = values["server"]["config"]["persistence"]
    for store in ("default", "visibility"):
        assert persistence[store]["driver"] == "sql"
        assert persistence[store]["sql"]["driver"] == "postgres12"
    assert not values["cassandra"]["enabled"] and not values["elasticsearch"]["enabled"]
    codec = {e["name"]: e["value"] for e in values["web"]["additionalEnv"]}
    assert codec["TEMPORAL_CODEC_ENDPOINT"].endswith("/codec")


def _types(annotation) -> set:
    return {annotation, *getattr(annotation, "__args__", ())}
