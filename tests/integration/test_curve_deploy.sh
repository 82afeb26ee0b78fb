#!/usr/bin/env bash
# The documented ways to turn CURVE on in a deployment, checked without a
# Docker Engine or a cluster: docker-compose.curve.yml merges with
# docker-compose.yml (`config -q`), and every service then has
# RATIFY_CURVE=1, the keys volume and its own RATIFY_CLIENT_KEY;
# `kubectl kustomize deploy/k8s-curve` builds, with CURVE on in the
# ConfigMap and each workload mounting its own Secret. Skipped (77) when
# neither docker-compose / docker compose nor kubectl is installed.
source "$(dirname "$0")/lib.sh"
cd "$RATIFY_SOURCE_DIR"
SERVICES="registry threshold notifier reporter"
checked=0
# the structure is checked with PyYAML when present; without it only that the files build
if python3 -c 'import yaml' 2>/dev/null; then yaml_check() { python3 - "$@"; }
else yaml_check() { cat >/dev/null; echo "# no PyYAML: structure not checked"; }
fi

compose=()
if command -v docker-compose >/dev/null; then compose=(docker-compose)
elif docker compose version >/dev/null 2>&1; then compose=(docker compose)
fi
if [ ${#compose[@]} -gt 0 ]; then
  files=(-f docker-compose.yml -f docker-compose.curve.yml)
  "${compose[@]}" "${files[@]}" config -q || fail "${compose[*]} config -q rejects the CURVE override"
  echo "ok - ${compose[*]} ${files[*]} config -q"
  "${compose[@]}" "${files[@]}" config >"$TEST_DIR/compose.yml" || fail "config"
  yaml_check "$TEST_DIR/compose.yml" "$SERVICES" <<'PY' || fail "the merged compose file"
import sys, yaml
c = yaml.safe_load(open(sys.argv[1]))
svcs = c["services"]
for s in sys.argv[2].split():
    env = svcs[s]["environment"]
    assert str(env.get("RATIFY_CURVE")) == "1", (s, env)
    assert env.get("RATIFY_KEYS_DIR") == "/keys", (s, env)
    assert env.get("RATIFY_CLIENT_KEY") == s, (s, env)
    vols = [v if isinstance(v, str) else f"{v['source']}:{v['target']}" for v in svcs[s]["volumes"]]
    assert any(v.startswith("ratify-keys:/keys") for v in vols), (s, vols)
    assert any(v.endswith(":ro") or (isinstance(v, dict) and v.get("read_only")) for v in svcs[s]["volumes"] if "keys" in str(v)), (s, vols)
    print(f"ok - compose {s}: RATIFY_CURVE=1, ratify-keys on /keys read-only, its own key for the health check")
t = svcs["ratifyctl"]
assert str(t["environment"]["RATIFY_CURVE"]) == "1" and t["environment"]["RATIFY_KEYS_DIR"] == "/var/lib/ratify"
assert any(str(v).startswith("ratify-keys:/var/lib/ratify") for v in t["volumes"]), t["volumes"]
assert "ratify-keys" in c["volumes"]
print("ok - compose ratifyctl: the keys volume writable where the image's user owns the directory")
PY
  checked=1
else
  echo "# no docker-compose or docker compose: the compose override is not checked"
fi

if command -v kubectl >/dev/null; then
  kubectl kustomize deploy/k8s-curve >"$TEST_DIR/k8s.yaml" 2>"$TEST_DIR/k8s.err" ||
    fail "kubectl kustomize deploy/k8s-curve: $(cat "$TEST_DIR/k8s.err")"
  echo "ok - kubectl kustomize deploy/k8s-curve"
  yaml_check "$TEST_DIR/k8s.yaml" "$SERVICES" <<'PY' || fail "the CURVE manifests"
import sys, yaml
docs = [d for d in yaml.safe_load_all(open(sys.argv[1])) if d]
cm = next(d for d in docs if d["kind"] == "ConfigMap" and d["metadata"]["name"] == "ratify-config")
assert cm["data"]["RATIFY_CURVE"] == "1", cm["data"]
for k, v in {"RATIFY_KEYS_DIR": "/etc/ratify/keys", "RATIFY_WRITERS_DIR": "/etc/ratify/writers",
             "RATIFY_READERS_DIR": "/etc/ratify/readers"}.items():
    assert cm["data"][k] == v, (k, cm["data"])
print("ok - k8s ConfigMap: RATIFY_CURVE=1 and the three key directories")
for s in sys.argv[2].split():
    w = next(d for d in docs if d["kind"] in ("Deployment", "StatefulSet") and d["metadata"]["name"] == s)
    assert w["metadata"].get("namespace") == "ratify"
    pod = w["spec"]["template"]["spec"]
    c = next(c for c in pod["containers"] if c["name"] == s)
    assert {"name": "RATIFY_CLIENT_KEY", "value": s} in c.get("env", []), c.get("env")
    mounts = {m["mountPath"]: m for m in c["volumeMounts"]}
    vols = {v["name"]: v for v in pod["volumes"]}
    for path, secret in (("/etc/ratify/writers", "ratify-curve-writers"), ("/etc/ratify/readers", "ratify-curve-readers")):
        m = mounts[path]
        assert m.get("readOnly") and vols[m["name"]]["secret"]["secretName"] == secret, (s, path)
    m = mounts["/etc/ratify/keys"]
    sources = [x["secret"]["name"] for x in vols[m["name"]]["projected"]["sources"]]
    assert m.get("readOnly") and sources == ["ratify-curve-public", f"ratify-curve-{s}"], (s, sources)
    assert "/var/lib/ratify" in mounts, s  # the base's data volume is still there
    print(f"ok - k8s {s}: its own Secret and the public keys on /etc/ratify/keys, writers and readers, read-only")
PY
  checked=1
else
  echo "# no kubectl: deploy/k8s-curve is not checked"
fi
[ "$checked" = 1 ] || { echo "SKIP: neither docker-compose nor kubectl is installed"; exit 77; }
