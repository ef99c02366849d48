#!/usr/bin/env bash
# The collection as a user gets it (make test-package):
#   1. `ansible-galaxy collection build`, and the tarball's file list: what must be there (LICENSE,
#      the playbooks, plugins, roles, changelog, EE metadata) and nothing of the tests', tools' or
#      test bed's output (virtualenvs, caches, build/, .git, bench results, logs, tarballs);
#   2. `ansible-galaxy collection install <tarball> -p <empty temporary path>`;
#   3. from a temporary directory that is not the checkout (no ansible.cfg of ours: ANSIBLE_CONFIG
#      unset, ANSIBLE_COLLECTIONS_PATH the temporary path only): ansible-doc renders every module,
#      the filter and every role entry point; every playbook is found by its FQCN; then
#      littlehorse.cluster.site deploys a small cluster on this machine's engine (prefix lhpkg,
#      1 server, ports 39xxx) against an EXTERNAL Kafka that this test starts (lhpkg-kafka-ext, plain
#      docker, host network, on the Docker bridge's gateway address) with mutual TLS required
#      (ssl.client.auth=required): the inventory has no kafka group, littlehorse_kafka_security_protocol
#      SSL and the user's PKCS12 truststore and keystore (made here with cryptography, a password file
#      and a password variable); a client without a keystore is refused by that broker;
#      littlehorse.cluster.verify runs a real workflow through the cluster, a second site run changes
#      nothing, no store password is in the server's docker inspect, and littlehorse.cluster.teardown
#      with littlehorse_teardown_purge_volumes=true removes it (the test removes its Kafka);
#      then inventories/local, copied unchanged, with only the image variables pointed at the test
#      bed's (it names none: a user gets the published images): site, verify, teardown with purge
#      (prefix lh, `make up`'s names: refused when a cluster of that prefix is on the engine);
#   4. nothing named lhpkg-* or lh-* is left (containers, volumes, networks).
# Leftovers of an earlier run are removed first, and everything lhpkg-* again if the stage fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
started=$SECONDS
PREFIX=lhpkg
# Port layout (single engine, everything on 127.0.0.1; 2024 reserved as on every machine of ours):
#   lhpkg-server-1  public 39023  health 39822  internal 39011 (not published)
#   lhpkg-kafka-ext 39192 on the Docker bridge's gateway / controller 39193 on 127.0.0.1 (host network)
PORTS=(39023 39822 39011 39192 39193)
# Step 3d deploys inventories/local itself (prefix lh, its documented ports on 127.0.0.1: `make up`'s cluster)
LOCAL_PREFIX=lh
LOCAL_PORTS=(2023 2033 2043 1822 1832 1842 8080)
# the test bed's images (tests/testbed/images.yml, one place for every test)
testbed_image() { sed -n "s/^$1: *//p" "$ROOT/tests/testbed/images.yml"; }
KAFKA_IMAGE=$(testbed_image kafka_image)
SERVER_IMAGE=$(testbed_image server_image)
STEP_TIMEOUT=${LHPKG_STEP_TIMEOUT:-300}
PYTHON=$ROOT/.venv/bin/python

say() { printf '[package %3ss] %s\n' $((SECONDS - started)) "$*"; }
fail() { echo "[package] FAILED: $*" >&2; exit 1; }

leftovers() { # every container, volume and network named <prefix>- (lhpkg- unless given), one per line (kind name)
  "$PYTHON" - "${1:-$PREFIX-}" <<'PY'
import sys
import docker
prefix = sys.argv[1]
client = docker.from_env()
for container in client.containers.list(all=True):
    if container.name.startswith(prefix):
        print("container", container.name)
for volume in client.volumes.list():
    if volume.name.startswith(prefix):
        print("volume", volume.name)
for network in client.networks.list():
    if network.name.startswith(prefix):
        print("network", network.name)
PY
}

remove_leftovers() { # containers first (they hold the volumes and the network); the prefix as leftovers'
  local kind name
  leftovers "$@" | while read -r kind name; do
    case $kind in
      container) docker rm -f -v "$name" >/dev/null ;;
    esac
  done
  leftovers "$@" | while read -r kind name; do
    case $kind in
      volume) docker volume rm "$name" >/dev/null ;;
      network) docker network rm "$name" >/dev/null ;;
    esac
  done
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/lhpkg.XXXXXX")
cleanup() {
  local rc=$?
  if [ "$rc" -ne 0 ]; then
    say "removing what is left of $PREFIX after the failure; the logs are in build/test-package/"
    remove_leftovers || true
    # inventories/local's cluster (step 3d), only when this run made it (none was there before)
    [ -z "${LOCAL_MADE:-}" ] || remove_leftovers "$LOCAL_PREFIX-" || true
    rm -rf "$ROOT/build/test-package" && mkdir -p "$ROOT/build/test-package"
    cp "$WORK"/*.log "$WORK"/*.yml "$ROOT/build/test-package/" 2>/dev/null || true
  fi
  rm -rf "$WORK"
  echo "[package] stage time: $((SECONDS - started))s (rc $rc)"
}
trap cleanup EXIT

if [ -n "$(leftovers)" ]; then
  say "removing the leftovers of an earlier run: $(leftovers | tr '\n' ' ')"
  remove_leftovers
fi
for port in "${PORTS[@]}"; do
  if ss -Hltn "( sport = :$port )" | grep -q .; then
    fail "port $port is taken on this machine (ss -ltn), the stage's cluster needs it: $(ss -Hltnp "( sport = :$port )")"
  fi
done
for image in "$KAFKA_IMAGE" "$SERVER_IMAGE"; do
  docker image inspect "$image" >/dev/null 2>&1 || fail "no image $image on this engine (make images builds it)"
done

# 0. The external Kafka of step 3, mutual TLS required, with stores made here as a user's would be: the
# server containers reach it on the Docker bridge's gateway, where it listens on the host network.
# A freshly started engine (docker.io 20.10) may leave the bridge network's IPAM gateway empty
# ({"Subnet": ...} only) while its interface (docker0) holds the address: read the interface then.
gateway=$(docker network inspect bridge --format '{{ (index .IPAM.Config 0).Gateway }}')
if [ -z "$gateway" ]; then
  bridge_interface=$(docker network inspect bridge --format '{{ index .Options "com.docker.network.bridge.name" }}')
  gateway=$(ip -4 -o addr show dev "${bridge_interface:-docker0}" 2>/dev/null | awk '{ split($4, a, "/"); print a[1]; exit }')
fi
[ -n "$gateway" ] || fail "the Docker bridge network has no gateway address for the external Kafka (neither in its IPAM configuration nor on its interface)"
stores=$WORK/stores
mkdir -m 0700 "$stores"
kafka_uid=$(docker run --rm --entrypoint id "$KAFKA_IMAGE" -u)
"$PYTHON" "$ROOT/tests/package/external_kafka.py" "$stores" "$gateway" "$kafka_uid"
docker run -d --name "$PREFIX-kafka-ext" --network host \
  -v "$stores/broker/keystore.p12:/etc/kafka/secrets/keystore.p12:ro" \
  -v "$stores/broker/truststore.p12:/etc/kafka/secrets/truststore.p12:ro" \
  -v "$stores/broker/server.properties:/mnt/shared/config/server.properties:ro" \
  -e KAFKA_LISTENERS="SSL://$gateway:39192,CONTROLLER://127.0.0.1:39193" \
  -e KAFKA_ADVERTISED_LISTENERS="SSL://$gateway:39192" \
  -e KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=SSL:SSL,CONTROLLER:PLAINTEXT \
  -e KAFKA_INTER_BROKER_LISTENER_NAME=SSL -e KAFKA_CONTROLLER_QUORUM_VOTERS=1@127.0.0.1:39193 \
  -e KAFKA_SSL_CLIENT_AUTH=required -e KAFKA_HEAP_OPTS="-Xmx384m -Xms384m" "$KAFKA_IMAGE" >/dev/null

# 1. The tarball and its file list.
version=$(sed -n 's/^version: *//p' galaxy.yml)
say "ansible-galaxy collection build ($version)"
ansible-galaxy collection build --force --output-path "$WORK/dist" >/dev/null
tarball=$WORK/dist/littlehorse-cluster-$version.tar.gz
[ -f "$tarball" ] || fail "ansible-galaxy collection build wrote no $tarball"
tar -tzf "$tarball" | sed 's#^\./##; s#/$##' | sort >"$WORK/files"
forbidden='(^|/)(\.venv|venv|build|context|\.git|\.github|\.ci|\.pytest_cache|__pycache__|\.cache|\.ansible|\.tox|\.mypy_cache|\.ruff_cache|output)(/|$)|\.(pyc|pyo|log|retry|swp|tar\.gz)$|~$'
if grep -E "$forbidden" "$WORK/files"; then
  fail "the tarball holds the files above (build output, caches, virtualenvs, VCS or logs): extend galaxy.yml's build_ignore"
fi
required=(MANIFEST.json FILES.json LICENSE README.md CHANGELOG.rst changelogs/changelog.yaml meta/runtime.yml
          meta/execution-environment.yml meta/ee-requirements.txt requirements.txt playbooks/tasks/plan.yml
          plugins/filter/plan.py plugins/filter/cluster_plan.yml docs/docsite/extra-docs.yml)
for playbook in site deploy check restart remove_server teardown verify diagnostics; do
  required+=("playbooks/$playbook.yml")
done
modules=()
for module in plugins/modules/*.py; do
  modules+=("$(basename "$module" .py)")
  required+=("$module")
done
roles=()
for role in roles/*/; do
  role=$(basename "$role")
  roles+=("$role")
  required+=("roles/$role/meta/argument_specs.yml" "roles/$role/tasks/main.yml")
done
for file in "${required[@]}"; do
  grep -qxF "$file" "$WORK/files" || fail "the tarball has no $file"
done
tar -xzOf "$tarball" MANIFEST.json | "$PYTHON" -c '
import json, sys
info = json.load(sys.stdin)["collection_info"]
assert info["license"] == ["GPL-3.0-or-later"], info["license"]
assert not info["repository"], info["repository"]
' || fail "MANIFEST.json: the licence is not GPL-3.0-or-later alone, or a repository address is set"
say "tarball: $(wc -l <"$WORK/files") files, $(du -k "$tarball" | cut -f1) KiB, none of the tests' or tools' output"

# 2. Install into an empty collections path, and use nothing of the checkout from here on.
mkdir "$WORK/collections" "$WORK/run"
cd "$WORK/run"
unset ANSIBLE_CONFIG ANSIBLE_ROLES_PATH ANSIBLE_INVENTORY
export ANSIBLE_COLLECTIONS_PATH=$WORK/collections
ansible-galaxy collection install "$tarball" -p "$WORK/collections" >"$WORK/install.log" 2>&1 \
  || { cat "$WORK/install.log"; fail "ansible-galaxy collection install"; }
installed=$WORK/collections/ansible_collections/littlehorse/cluster
[ -f "$installed/MANIFEST.json" ] || fail "nothing installed at $installed"
listed=$(ansible-galaxy collection list littlehorse.cluster 2>/dev/null \
  | awk '/^# /{print $2} /^littlehorse\.cluster /{print $1, $2}' | tr '\n' ' ')
[[ $listed == "$WORK/collections/ansible_collections littlehorse.cluster $version " ]] \
  || fail "littlehorse.cluster is not found in the temporary path alone: $listed"
say "installed into $WORK/collections (empty before); running from $WORK/run, no ansible.cfg"

# 3a. Documentation: every module, the filter and every role entry point renders.
ansible-doc --json "${modules[@]/#/littlehorse.cluster.}" >"$WORK/modules.json" 2>"$WORK/doc.log" \
  || { cat "$WORK/doc.log"; fail "ansible-doc of the modules"; }
ansible-doc --json -t filter littlehorse.cluster.cluster_plan >"$WORK/filter.json" 2>>"$WORK/doc.log" \
  || { cat "$WORK/doc.log"; fail "ansible-doc -t filter littlehorse.cluster.cluster_plan"; }
ansible-doc --json -t role "${roles[@]/#/littlehorse.cluster.}" >"$WORK/roles.json" 2>>"$WORK/doc.log" \
  || { cat "$WORK/doc.log"; fail "ansible-doc -t role"; }
"$PYTHON" - "$WORK" "$installed" "${modules[*]}" "${roles[*]}" <<'PY' || { cat "$WORK/doc.log"; fail "ansible-doc rendered not every module, filter and role entry point"; }
import json, os, sys
import yaml
work, installed, modules, roles = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4].split()
problems = []
def load(name):
    with open(os.path.join(work, name)) as handle:
        return json.load(handle)
docs = load("modules.json")
for module in modules:
    doc = (docs.get("littlehorse.cluster." + module) or {}).get("doc") or {}
    if not (doc.get("short_description") and doc.get("options") is not None and doc.get("author")):
        problems.append("module %s: no short_description, options or author" % module)
doc = (load("filter.json").get("littlehorse.cluster.cluster_plan") or {}).get("doc") or {}
if not doc.get("short_description"):
    problems.append("filter cluster_plan: no short_description")
docs = load("roles.json")
for role in roles:
    with open(os.path.join(installed, "roles", role, "meta", "argument_specs.yml")) as handle:
        entry_points = list(yaml.safe_load(handle)["argument_specs"])
    rendered = (docs.get("littlehorse.cluster." + role) or {}).get("entry_points") or {}
    for entry_point in entry_points:
        if not (rendered.get(entry_point) or {}).get("short_description"):
            problems.append("role %s, entry point %s: not rendered" % (role, entry_point))
if problems:
    sys.exit("\n".join(problems))
PY
say "ansible-doc: ${#modules[@]} modules, the filter cluster_plan, the entry points of ${#roles[@]} roles"

# 3b. The inventory of the small cluster, written for this test, once the external Kafka (started
# before step 1, so that it starts while the tarball is built and checked) listens.
listening() { timeout 2 bash -c "exec 3<>/dev/tcp/$gateway/39192" 2>/dev/null; }
for _ in $(seq 90); do
  listening && break
  sleep 1
done
listening || { docker logs --tail 30 "$PREFIX-kafka-ext"; fail "the external Kafka does not listen on $gateway:39192"; }
say "external Kafka $PREFIX-kafka-ext on $gateway:39192, SSL with client authentication required"

cat >"$WORK/inventory.yml" <<EOF
all:
  vars:
    ansible_connection: local
    ansible_python_interpreter: "{{ ansible_playbook_python }}"
    littlehorse_prefix: $PREFIX
    littlehorse_cluster_id: $PREFIX
    littlehorse_partitions: 3
    littlehorse_single_engine: true
    littlehorse_advertised_host: 127.0.0.1
    littlehorse_bind_address: 127.0.0.1
    littlehorse_server_count: 1
    littlehorse_server_id_base: 0
    littlehorse_standby_replicas: 0
    littlehorse_public_port_base: 39023
    littlehorse_internal_port_base: 39011
    littlehorse_health_port_base: 39822
    littlehorse_reserved_ports: [2024]
    littlehorse_kafka_bootstrap_servers: $gateway:39192
    littlehorse_kafka_security_protocol: SSL
    littlehorse_kafka_truststore_file: $stores/client/truststore.p12
    littlehorse_kafka_truststore_password_file: $stores/client/truststore.password
    littlehorse_kafka_keystore_file: $stores/client/keystore.p12
    # an Ansible Vault variable in real use
    littlehorse_kafka_keystore_password: $(cat "$stores/client/keystore.password")
    server_image: $SERVER_IMAGE
    server_heap: 384m
    # the test bed's JVM settings (tests/testbed/jvm.yml, one place for every test)
$(sed -n 's/^\(server_gc\|server_java_opts\): /    &/p' "$ROOT/tests/testbed/jvm.yml")
    client_config_path: $WORK/$PREFIX-client.properties
    client_config_prometheus_targets_path: $WORK/$PREFIX-prometheus-targets.json
  hosts:
    lhpkg1:
  children:
    littlehorse_servers:
      hosts:
        lhpkg1:
EOF
playbook() { # log name, playbook FQCN, more arguments
  local log=$WORK/$1.log; shift
  if ! timeout "$STEP_TIMEOUT" ansible-playbook -i "$WORK/inventory.yml" "$@" >"$log" 2>&1; then
    tail -n 60 "$log"
    fail "ansible-playbook $* (log above, last 60 lines)"
  fi
  grep -E '^lhpkg1 +:' "$log" | tail -n 1 | sed "s/^/[package]   $1: /" || true
}

external_kafka_checks() { # the servers reach the external Kafka with the user's stores, through files only
  local env name
  env=$(docker inspect --format '{{ json .Config.Env }}' "$PREFIX-server-1")
  for setting in LHS_KAFKA_SECURITY_PROTOCOL=SSL LHS_KAFKA_TRUSTSTORE=/ LHS_KAFKA_KEYSTORE=/ \
      LHS_KAFKA_TRUSTSTORE_PASSWORD_FILE=/ LHS_KAFKA_KEYSTORE_PASSWORD_FILE=/; do
    [[ $env == *"\"$setting"* ]] || fail "$PREFIX-server-1 has no $setting... in its environment: $env"
  done
  for name in truststore keystore; do
    if docker inspect "$PREFIX-server-1" | grep -qF "$(cat "$stores/client/$name.password")"; then
      fail "the $name password is in the docker inspect of $PREFIX-server-1"
    fi
    [ "$(stat -c %a "/etc/littlehorse/$PREFIX/kafka/$name.p12")" = 600 ] \
      || fail "/etc/littlehorse/$PREFIX/kafka/$name.p12 is not 0600"
  done
  # the broker refuses a client without a certificate: the servers passed mutual TLS
  if docker exec -i "$PREFIX-kafka-ext" bash -c "cat > /tmp/client.properties && java -Xmx128m -XX:+UseSerialGC \
      -XX:TieredStopAtLevel=1 -cp '/opt/kafka/libs/*' org.apache.kafka.tools.TopicCommand --bootstrap-server \
      $gateway:39192 --command-config /tmp/client.properties --list" >"$WORK/no-keystore.log" 2>&1 <<CLIENT
security.protocol=SSL
ssl.truststore.location=/etc/kafka/secrets/truststore.p12
ssl.truststore.type=PKCS12
ssl.truststore.password=$(sed -n 's/^ssl.truststore.password=//p' "$stores/broker/server.properties")
request.timeout.ms=5000
default.api.timeout.ms=15000
CLIENT
  then
    fail "the external Kafka listed its topics to a client without a certificate"
  fi
  grep -qE 'SslAuthenticationException|[Hh]andshake' "$WORK/no-keystore.log" \
    || { tail -n 20 "$WORK/no-keystore.log"; fail "the client without a certificate failed, but not on TLS"; }
  say "the server uses the stores as mounted files (0600, no password in docker inspect); the broker refuses a client without a certificate"
}

playbook syntax --syntax-check littlehorse.cluster.site littlehorse.cluster.deploy littlehorse.cluster.check \
  littlehorse.cluster.restart littlehorse.cluster.remove_server littlehorse.cluster.teardown littlehorse.cluster.verify \
  littlehorse.cluster.diagnostics
for name in site deploy check restart remove_server teardown verify diagnostics; do
  grep -qxF "playbook: $installed/playbooks/$name.yml" "$WORK/syntax.log" \
    || fail "littlehorse.cluster.$name was not found in the installed collection ($WORK/syntax.log)"
done
say "every playbook found by its FQCN in the installed collection"

# 3c. Deploy, verify, tear down, by FQCN.
say "ansible-playbook littlehorse.cluster.site"
playbook site littlehorse.cluster.site
grep -q '^LHC_API_HOST=127.0.0.1$' "$WORK/$PREFIX-client.properties" \
  && grep -q '^LHC_API_PORT=39023$' "$WORK/$PREFIX-client.properties" \
  || fail "the client file $WORK/$PREFIX-client.properties does not point at 127.0.0.1:39023"
grep -q '"127.0.0.1:39822"' "$WORK/$PREFIX-prometheus-targets.json" \
  || fail "the Prometheus targets file $WORK/$PREFIX-prometheus-targets.json does not list 127.0.0.1:39822"
say "ansible-playbook littlehorse.cluster.verify"
playbook verify littlehorse.cluster.verify -e littlehorse_verify_runs=2
grep -q '2 of 2 runs COMPLETED' "$WORK/verify.log" || fail "verify did not report 2 of 2 runs COMPLETED"
external_kafka_checks
say "ansible-playbook littlehorse.cluster.site again: nothing changes"
playbook site-again littlehorse.cluster.site
grep -qE '^lhpkg1 +: ok=[0-9]+ +changed=0 ' "$WORK/site-again.log" || fail "the second site run changed something"
say "ansible-playbook littlehorse.cluster.teardown -e littlehorse_teardown_purge_volumes=true"
playbook teardown littlehorse.cluster.teardown -e littlehorse_teardown_purge_volumes=true
docker rm -f -v "$PREFIX-kafka-ext" >/dev/null
left=$(leftovers)
[ -z "$left" ] || fail "teardown left: $(echo "$left" | tr '\n' ' ')"
say "nothing named $PREFIX-* is left (containers, volumes, networks)"

# 3d. inventories/local as a user deploys it: copied out of the checkout unchanged (one Kafka, three servers, the
# dashboard, prefix lh, its ports on 127.0.0.1, no JVM option and no image of ours: the roles' defaults), and only
# the image variables pointed at the test bed (the published images cannot be pulled here; the dashboard is its
# test double). HOME is the test's folder, where the client config goes (~/.config/littlehorse). Its names are
# `make up`'s. A stopped cluster of that prefix (`make down` keeps its volumes: the user's data) is left untouched:
# the copy is then deployed under the prefix lhpkglocal instead, with everything else as it is; a cluster of that
# prefix that still has containers holds inventories/local's ports, so the stage asks for `make down` first.
local_left=$(leftovers "$LOCAL_PREFIX-")
LOCAL_EXTRA=()
if [ -n "$local_left" ]; then
  if grep -q '^container ' <<<"$local_left"; then
    fail "this engine runs $(grep '^container ' <<<"$local_left" | tr '\n' ' ')- the containers of inventories/local \
(make up's cluster), which hold the ports this stage deploys inventories/local on. Stop that cluster first (make down \
keeps its data), then run again"
  fi
  say "this engine keeps $(tr '\n' ' ' <<<"$local_left")of a stopped cluster named like inventories/local (make down \
keeps the data): left untouched, the copy is deployed as prefix lhpkglocal"
  LOCAL_PREFIX=lhpkglocal
  LOCAL_EXTRA=(-e "littlehorse_prefix=$LOCAL_PREFIX")
fi
for port in "${LOCAL_PORTS[@]}"; do
  if ss -Hltn "( sport = :$port )" | grep -q .; then
    fail "port $port is taken on this machine (ss -ltn), inventories/local needs it: $(ss -Hltnp "( sport = :$port )")"
  fi
done
mkdir -p "$WORK/local/inventories/local" "$WORK/home"
cp "$ROOT/inventories/local/hosts.yml" "$WORK/local/inventories/local/hosts.yml"
for name in kafka_image server_image dashboard_image; do
  echo "$name: $(testbed_image "$name")"
done >"$WORK/local-images.yml"
local_playbook() { # log name, playbook FQCN, more arguments: inventories/local with the test bed's images only
  local log=$WORK/$1.log; shift
  if ! HOME=$WORK/home timeout "$STEP_TIMEOUT" ansible-playbook -i "$WORK/local/inventories/local/hosts.yml" \
      -e "@$WORK/local-images.yml" "${LOCAL_EXTRA[@]}" "$@" >"$log" 2>&1; then
    tail -n 60 "$log"
    fail "ansible-playbook -i inventories/local $* (log above, last 60 lines)"
  fi
  grep -E '^local +:' "$log" | tail -n 1 | sed "s/^/[package]   $1: /" || true
}
say "inventories/local, only the images the test bed's ($(tr '\n' ' ' <"$WORK/local-images.yml")): littlehorse.cluster.site"
LOCAL_MADE=1
local_playbook local-site littlehorse.cluster.site
for container in "$LOCAL_PREFIX"-kafka-1 "$LOCAL_PREFIX"-server-{1,2,3} "$LOCAL_PREFIX"-dashboard; do
  [ "$(docker inspect --format '{{ .State.Running }}' "$container" 2>/dev/null)" = true ] \
    || fail "inventories/local: $container is not running after site"
done
say "inventories/local: littlehorse.cluster.verify"
local_playbook local-verify littlehorse.cluster.verify
grep -qE '[0-9]+ of [0-9]+ runs COMPLETED' "$WORK/local-verify.log" || fail "verify of inventories/local reported no runs"
say "inventories/local: littlehorse.cluster.teardown -e littlehorse_teardown_purge_volumes=true"
local_playbook local-teardown littlehorse.cluster.teardown -e littlehorse_teardown_purge_volumes=true
LOCAL_MADE=

# 4. Nothing of either cluster is left.
for prefix in "$PREFIX-" "$LOCAL_PREFIX-"; do
  left=$(leftovers "$prefix")
  [ -z "$left" ] || fail "teardown left: $(echo "$left" | tr '\n' ' ')"
done
say "nothing named $PREFIX-* or $LOCAL_PREFIX-* is left (containers, volumes, networks)"
echo "[package] passed: built, installed into an empty path, deployed, verified and torn down by FQCN; inventories/local too"
