#!/usr/bin/env python3
"""Static checks of the deployment files, no Docker Engine or cluster needed.

docker-compose.yml: accepted by docker-compose 1.29 and Compose v2 (no
top-level `version:` or `name:`), the four services on one image with their
own commands and named volumes, health checks that run ratifyctl ping,
depends_on (condition service_healthy) on exactly the services whose
endpoints each one's sources read, restart unless-stopped, the
reporter's HTTP port published, the ratifyctl service under a profile.

deploy/k8s/: every file parses and is listed in kustomization.yaml; the
registry is a one-replica StatefulSet with a volume, the others Deployments;
every workload runs the compose file's image with the compose file's
command, as 10001, with the same RATIFY_* settings (every one of them a
variable some binary reads); every endpoint names a Service that
selects its owner and exposes that port on a port the container declares;
readiness and liveness probes run ratifyctl ping against the process itself.

Both: every port agrees with common/config.h's defaults.

Prints TAP-like lines; exits 1 on the first failed group, 77 (skip) when
PyYAML is missing.
"""
import glob
import os
import re
import sys

try:
    import yaml
except ImportError:
    print("SKIP: PyYAML (Debian's python3-yaml) is missing; deployment files not checked")
    sys.exit(77)

ROOT = os.environ.get("RATIFY_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
SERVICES = ["registry", "threshold", "notifier", "reporter"]
UID = 10001
DATA_DIR = "/var/lib/ratify"
failures = []


def check(cond, what):
    if cond:
        print(f"ok - {what}")
    else:
        print(f"not ok - {what}")
        failures.append(what)
    return cond


def load(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def config_h_settings():
    """{variable: default} from common/config.h's table."""
    table = {}
    for name, default in re.findall(r"\|\s*(RATIFY_[A-Z_]+)\s*\|\s*([^|]*?)\s*\|", load("common/config.h")):
        table[name] = default
    return table


def variables_read():
    """Every "RATIFY_..." string literal in the sources: the variables some
    binary reads (config.h's, RATIFY_LOG_LEVEL, a service's own)."""
    names = set()
    for d in ("common", "services", "cli"):
        for path in glob.glob(os.path.join(ROOT, d, "**", "*.[ch]"), recursive=True):
            with open(path, encoding="utf-8", errors="replace") as f:
                names.update(re.findall(r'"(RATIFY_[A-Z0-9_]+)"', f.read()))
    return names


def interpolate(value):
    """${VAR:-default} and ${VAR-default} as compose reads them with VAR unset."""
    if not isinstance(value, str):
        return value
    return re.sub(r"\$\{[A-Za-z_][A-Za-z0-9_]*(?::?-([^}]*))?\}", lambda m: m.group(1) or "", value)


def endpoint(value):
    """tcp://host:port -> (host, port)."""
    m = re.fullmatch(r"tcp://([^:/]+):(\d+)", value)
    return (m.group(1), int(m.group(2))) if m else (None, None)


def port_of(value):
    m = re.search(r":(\d+)$", value)
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------- config.h
settings = config_h_settings()
check(len(settings) >= 11 and "RATIFY_REGISTRY_API" in settings, f"common/config.h lists {len(settings)} RATIFY_* settings")
known = variables_read() | set(settings)
default_ports = {k: port_of(v) for k, v in settings.items() if port_of(v)}

# ---------------------------------------------------------------- compose
text = load("docker-compose.yml")
compose = yaml.safe_load(text)
check(isinstance(compose, dict) and "services" in compose, "docker-compose.yml parses")
check("version" not in compose and "name" not in compose,
      "docker-compose.yml has no top-level version: or name: (both compose tools accept it)")
svcs = compose.get("services", {})
check(set(SERVICES + ["ratifyctl"]) <= set(svcs), "compose defines registry, threshold, notifier, reporter and ratifyctl")
images = {interpolate(svcs[s].get("image")) for s in SERVICES + ["ratifyctl"] if s in svcs}
check(len(images) == 1 and None not in images, f"every compose service runs one image ({images})")
IMAGE = next(iter(images))
builders = [s for s in svcs if "build" in svcs[s]]
check(len(builders) == 1, f"one service builds the image ({builders}), so it is built once")
if builders:
    build = svcs[builders[0]]["build"]
    check(build.get("context") == "." and os.path.isfile(os.path.join(ROOT, build.get("dockerfile", "Dockerfile"))),
          f"the build uses the repository as context and {build.get('dockerfile')} exists")
compose_env = {}
for s in SERVICES:
    svc = svcs.get(s, {})
    env = {k: interpolate(v) for k, v in (svc.get("environment") or {}).items()}
    compose_env[s] = env
    check(svc.get("command") == [f"ratify-{s}"], f"compose {s}: command ratify-{s}")
    check(svc.get("restart") == "unless-stopped", f"compose {s}: restart unless-stopped")
    check(svc.get("read_only") is True and svc.get("cap_drop") == ["ALL"],
          f"compose {s}: read-only root filesystem, no capabilities")
    test = (svc.get("healthcheck") or {}).get("test") or []
    check(test[:4] == ["CMD", "ratifyctl", "ping", s], f"compose {s}: health check runs ratifyctl ping {s}")
    vols = svc.get("volumes") or []
    named = [v.split(":")[0] for v in vols if isinstance(v, str) and v.endswith(":" + DATA_DIR)]
    check(len(named) == 1 and named[0] in (compose.get("volumes") or {}),
          f"compose {s}: a named volume on {DATA_DIR}")
    check(env.get("RATIFY_DATA_DIR") == DATA_DIR, f"compose {s}: RATIFY_DATA_DIR={DATA_DIR}")
    unknown = sorted(set(env) - known)
    check(not unknown, f"compose {s}: every variable is one the binaries read (unknown: {unknown})")
    for dep, cond in (svc.get("depends_on") or {}).items():
        check(isinstance(cond, dict) and cond.get("condition") == "service_healthy",
              f"compose {s}: depends on {dep} with condition service_healthy")
for s in SERVICES:
    # the services whose endpoints its sources read: what it must wait for
    consumed = set()
    for path in glob.glob(os.path.join(ROOT, "services", s, "*.c")):
        with open(path, encoding="utf-8", errors="replace") as f:
            consumed.update(o.lower() for o in re.findall(r"CONFIG_(REGISTRY|THRESHOLD|NOTIFIER|REPORTER)_", f.read()))
    consumed.discard(s)
    deps = set(svcs.get(s, {}).get("depends_on") or {})
    check(deps == consumed, f"compose {s}: depends_on {sorted(deps)}, the services it reads ({sorted(consumed)})")
check(svcs.get("ratifyctl", {}).get("profiles") and svcs["ratifyctl"].get("entrypoint") == ["ratifyctl"],
      "compose ratifyctl: under a profile, entrypoint ratifyctl (docker compose run --rm ratifyctl ...)")
envs = list(compose_env.values())
check(all(e == envs[0] for e in envs), "compose: every service sees the same settings")
ENV = envs[0]
for k, v in ENV.items():
    host, port = endpoint(v) if v.startswith("tcp://") else (None, None)
    if host:
        owner = k.split("_")[1].lower()
        check(host == owner and port == default_ports.get(k), f"compose {k}={v}: the owner's service name, config.h's port")
http_port = port_of(ENV.get("RATIFY_REPORTER_HTTP", ""))
check(http_port == default_ports.get("RATIFY_REPORTER_HTTP") and ENV["RATIFY_REPORTER_HTTP"].startswith("0.0.0.0:"),
      f"compose: the reporter's HTTP on all interfaces, port {http_port}")
ports = svcs.get("reporter", {}).get("ports") or []
check(any(interpolate(p).endswith(f":{http_port}") for p in ports), f"compose reporter: port {http_port} published ({ports})")

# ---------------------------------------------------------------- k8s
K8S = os.path.join(ROOT, "deploy", "k8s")
files = sorted(os.path.basename(p) for p in glob.glob(os.path.join(K8S, "*.yaml")))
docs = {}
for f in files:
    try:
        with open(os.path.join(K8S, f), encoding="utf-8") as fh:
            docs[f] = [d for d in yaml.safe_load_all(fh) if d is not None]
        ok = all(isinstance(d, dict) and d.get("apiVersion") and d.get("kind") for d in docs[f])
        ok = ok and all((d.get("metadata") or {}).get("name") for d in docs[f] if d["kind"] != "Kustomization")
        check(ok, f"deploy/k8s/{f} parses ({', '.join(d['kind'] for d in docs[f])})")
    except yaml.YAMLError as e:
        check(False, f"deploy/k8s/{f} parses: {e}")
kust = (docs.get("kustomization.yaml") or [{}])[0]
listed = set(kust.get("resources") or [])
check(listed == set(files) - {"kustomization.yaml"}, f"kustomization.yaml lists every manifest ({sorted(listed)})")
objects = [d for f, ds in docs.items() if f != "kustomization.yaml" for d in ds]
by_kind = {}
for d in objects:
    by_kind.setdefault(d["kind"], {})[d["metadata"]["name"]] = d
k8s_image = IMAGE
for img in kust.get("images") or []:
    if img.get("name") == IMAGE.split(":")[0] and img.get("newTag"):
        k8s_image = f"{IMAGE.split(':')[0]}:{img['newTag']}"
check(k8s_image == IMAGE, f"kustomization's image is the compose image ({k8s_image})")

configmaps = by_kind.get("ConfigMap", {})
sts = by_kind.get("StatefulSet", {})
deps = by_kind.get("Deployment", {})
svc_objs = by_kind.get("Service", {})
pvcs = by_kind.get("PersistentVolumeClaim", {})
reg = sts.get("registry")
check(reg is not None and reg["spec"].get("replicas") == 1 and reg["spec"].get("volumeClaimTemplates"),
      "registry: a one-replica StatefulSet with a volume claim template")
if reg:
    check(reg["spec"].get("serviceName") in svc_objs, "registry: its governing Service exists")
for s in ["threshold", "notifier", "reporter"]:
    check(s in deps and deps[s]["spec"].get("replicas") == 1, f"{s}: a Deployment")

for s in SERVICES:
    w = sts.get(s) or deps.get(s)
    if not w:
        continue
    pod = w["spec"]["template"]
    labels = pod["metadata"].get("labels") or {}
    check(all(labels.get(k) == v for k, v in w["spec"]["selector"]["matchLabels"].items()),
          f"{s}: the selector matches the pod's labels")
    spec = pod["spec"]
    sc = spec.get("securityContext") or {}
    check(sc.get("runAsNonRoot") is True and sc.get("runAsUser") == UID and sc.get("fsGroup") == UID,
          f"{s}: runs as non-root {UID}, volume group {UID}")
    check(sc.get("fsGroupChangePolicy") == "OnRootMismatch",
          f"{s}: the volume's modes are not reset at every start (its databases stay 0600)")
    (c,) = spec["containers"]
    check(c.get("image") == IMAGE, f"{s}: image {c.get('image')}")
    check(c.get("command") == [f"ratify-{s}"], f"{s}: command ratify-{s}")
    env = {}
    for ref in c.get("envFrom") or []:
        name = (ref.get("configMapRef") or {}).get("name")
        check(name in configmaps, f"{s}: envFrom ConfigMap {name} exists")
        env.update((configmaps.get(name) or {}).get("data") or {})
    env.update({e["name"]: e.get("value") for e in c.get("env") or []})
    unknown = sorted(set(env) - known)
    check(not unknown, f"{s}: every variable is one the binaries read (unknown: {unknown})")
    same = {k: v for k, v in ENV.items() if v}
    mine = {k: v for k, v in env.items() if k in same}
    check(mine == same, f"{s}: the compose file's settings (differences: {set(same.items()) ^ set(mine.items())})")
    container_ports = {p["containerPort"]: p.get("name") for p in c.get("ports") or []}
    # every endpoint this service owns: a declared container port
    owned = [port_of(v) for k, v in env.items() if k.startswith(f"RATIFY_{s.upper()}_")]
    check(all(p in container_ports for p in owned), f"{s}: declares its ports {sorted(owned)}")
    mounts = {m["name"]: m["mountPath"] for m in c.get("volumeMounts") or []}
    data_vol = [n for n, p in mounts.items() if p == env.get("RATIFY_DATA_DIR")]
    check(len(data_vol) == 1, f"{s}: a volume on RATIFY_DATA_DIR")
    if data_vol and s != "registry":
        vol = next((v for v in spec.get("volumes") or [] if v["name"] == data_vol[0]), {})
        claim = (vol.get("persistentVolumeClaim") or {}).get("claimName")
        check(claim in pvcs, f"{s}: its data volume is the claim {claim}")
    api_port = port_of(env.get(f"RATIFY_{s.upper()}_API", ""))
    for kind in ("readinessProbe", "livenessProbe"):
        cmd = ((c.get(kind) or {}).get("exec") or {}).get("command") or []
        check("ratifyctl" in cmd and cmd[cmd.index("ratifyctl") + 1:cmd.index("ratifyctl") + 3] == ["ping", s]
              and f"RATIFY_{s.upper()}_API=tcp://127.0.0.1:{api_port}" in cmd,
              f"{s}: {kind} runs ratifyctl ping {s} on 127.0.0.1:{api_port}")
    # every endpoint that names this service: a Service that selects it, on that port
    for k, v in env.items():
        host, port = endpoint(v) if isinstance(v, str) and v.startswith("tcp://") else (None, None)
        if host != s:
            continue
        so = svc_objs.get(host)
        good = so is not None and all(labels.get(a) == b for a, b in so["spec"]["selector"].items())
        sp = next((p for p in (so or {}).get("spec", {}).get("ports", []) if p["port"] == port), None)
        target = sp and sp.get("targetPort", sp["port"])
        good = good and sp is not None and (target == port or container_ports.get(port) == target)
        check(good, f"{k}={v}: Service {host} selects {s} and forwards port {port}")
rep = deps.get("reporter")
if rep:
    so = svc_objs.get("reporter", {})
    check(any(p["port"] == http_port for p in so.get("spec", {}).get("ports", [])),
          f"reporter: the Service exposes HTTP port {http_port}")

# The Kubernetes API's own schemas, where the kubernetes-validate package
# (PyPI) is installed; the checks above hold without it.
try:
    import kubernetes_validate
except ImportError:
    print("# kubernetes-validate is not installed: the manifests were not checked against the API schemas")
else:
    version = kubernetes_validate.latest_version()
    for d in objects:
        try:
            kubernetes_validate.validate(d, version, strict=True)
            ok = True
        except Exception as e:  # ValidationError, InvalidSchemaError, VersionNotSupportedError
            ok = False
            print(f"# {(getattr(e, 'message', None) or str(e)).splitlines()[0]}")
        check(ok, f"{d['kind']} {d['metadata']['name']}: valid for the Kubernetes {version} API (strict)")

if failures:
    print(f"{len(failures)} check(s) failed", file=sys.stderr)
    sys.exit(1)
print("all deployment-file checks passed")
