#!/usr/bin/env bash
# Build the test bed's local images from Debian packages and Maven Central artifacts.
# Usage: build.sh [base|kafka|kafka-previous|server|server-patched|dashboard-double|haproxy|keycloak|prometheus|jmx-exporter|all]...
# Images are tagged $IMAGE_NAMESPACE/<name>:<version> (namespace lh-testbed by default).
# Versions come from the environment (KAFKA_VERSION, KAFKA_PREVIOUS_VERSION, LH_VERSION, HAPROXY_VERSION,
# KEYCLOAK_VERSION, DEBIAN_SUITE), defaulting to versions.env. Everything is cached: with nothing changed a rebuild takes seconds.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# Versions given in the environment win over the defaults in versions.env.
given_kafka=${KAFKA_VERSION:-} given_lh=${LH_VERSION:-} given_suite=${DEBIAN_SUITE:-} given_haproxy=${HAPROXY_VERSION:-}
given_kafka_previous=${KAFKA_PREVIOUS_VERSION:-} given_keycloak=${KEYCLOAK_VERSION:-}
given_prometheus=${PROMETHEUS_VERSION:-} given_jmx_exporter=${JMX_EXPORTER_VERSION:-}
# shellcheck source=versions.env
. "$HERE/versions.env"
KAFKA_VERSION=${given_kafka:-$KAFKA_VERSION}
KAFKA_PREVIOUS_VERSION=${given_kafka_previous:-$KAFKA_PREVIOUS_VERSION}
LH_VERSION=${given_lh:-$LH_VERSION}
DEBIAN_SUITE=${given_suite:-$DEBIAN_SUITE}
HAPROXY_VERSION=${given_haproxy:-$HAPROXY_VERSION}
KEYCLOAK_VERSION=${given_keycloak:-$KEYCLOAK_VERSION}
PROMETHEUS_VERSION=${given_prometheus:-$PROMETHEUS_VERSION}
JMX_EXPORTER_VERSION=${given_jmx_exporter:-$JMX_EXPORTER_VERSION}
CACHE=${LH_TESTBED_CACHE:-/var/tmp/lh-testbed/cache}
export LH_TESTBED_CACHE=$CACHE
NAMESPACE=${IMAGE_NAMESPACE:-lh-testbed}
BASE_IMAGE=$NAMESPACE/debian:$DEBIAN_SUITE

say() { printf '[images] %s\n' "$*"; }

# The Java each LittleHorse release line needs (0.14 -> 21; 0.15 and later -> 25);
# Kafka runs on 21.
lh_java_release() {
  case "$1" in
    0.14.*) echo 21 ;;
    *) echo 25 ;;
  esac
}
KAFKA_JAVA_RELEASE=21
# Kafka's jars carry the SLF4J API but no binding: add slf4j-simple of the same API version,
# so the broker logs to stderr as `docker logs` expects.
add_slf4j_binding() {
  local jars=$1 api
  api=$(ls "$jars" | sed -n 's/^slf4j-api-\(.*\)\.jar$/\1/p')
  [ -n "$api" ] || { say "no slf4j-api in $jars" >&2; exit 1; }
  [ -f "$jars/slf4j-simple-$api.jar" ] && return
  mvn -B -q -Dstyle.color=never -Dmaven.repo.local="${MAVEN_REPO:-$HOME/.m2/repository}" dependency:copy -Dartifact="org.slf4j:slf4j-simple:$api" -DoutputDirectory="$jars" >/dev/null
}

# docker build from a context assembled in the cache: the recipe folder plus resolved jars (or another
# artifact folder, such as Keycloak's tarball) as jars/.
build_image() {
  local tag=$1 recipe=$2 jars=$3; shift 3
  local ctx=$CACHE/ctx/${tag//[:\/]/_}
  rm -rf "$ctx" && mkdir -p "$ctx"
  cp -a "$HERE/$recipe/." "$ctx/"
  if [ -n "$jars" ]; then cp -al "$jars" "$ctx/jars" 2>/dev/null || cp -a "$jars" "$ctx/jars"; rm -f "$ctx/jars/.complete"; fi
  say "docker build $tag"
  local started=$SECONDS log=$ctx.build.log
  if ! docker build --network host --build-arg "BASE_IMAGE=$BASE_IMAGE" "$@" -t "$tag" "$ctx" >"$log" 2>&1; then
    say "building $tag failed; last lines of $log:" >&2
    tail -n 25 "$log" >&2
    exit 1
  fi
  say "$tag ready in $((SECONDS - started))s ($(docker image inspect -f '{{.Size}}' "$tag" | numfmt --to=iec))"
}

build_base() { "$HERE/build-base.sh" "$DEBIAN_SUITE" "$BASE_IMAGE"; }

jre_image() { echo "$NAMESPACE/jre:$1-$DEBIAN_SUITE"; }
build_jre() {
  build_image "$(jre_image "$1")" jre "" --build-arg "JAVA_PACKAGE=openjdk-$1-jre-headless"
}

# build_kafka [VERSION]: the Kafka image of VERSION (default KAFKA_VERSION).
build_kafka() {
  local version=${1:-$KAFKA_VERSION}
  local jars=$CACHE/jars/kafka-$version
  # kafka-tools: the quorum and topic tools the rolling gate runs in the node (as the official image has them)
  "$HERE/resolve-jars.sh" "$jars" "org.apache.kafka:kafka_2.13:$version" "org.apache.kafka:kafka-tools:$version"
  add_slf4j_binding "$jars"
  build_jre "$KAFKA_JAVA_RELEASE"
  build_image "$NAMESPACE/kafka:$version" kafka "$jars" --build-arg "KAFKA_VERSION=$version" \
    --build-arg "JRE_IMAGE=$(jre_image "$KAFKA_JAVA_RELEASE")"
}

# The older Kafka the multi-host scenario deploys first and upgrades from (to KAFKA_VERSION, same recipe).
build_kafka_previous() { build_kafka "$KAFKA_PREVIOUS_VERSION"; }

build_server() {
  local jars=$CACHE/jars/lh-server-$LH_VERSION
  "$HERE/resolve-jars.sh" "$jars" "io.littlehorse:littlehorse-server:$LH_VERSION"
  local java
  java=$(lh_java_release "$LH_VERSION")
  build_jre "$java"
  build_image "$NAMESPACE/lh-server:$LH_VERSION" lh-server "$jars" \
    --build-arg "LH_VERSION=$LH_VERSION" --build-arg "JRE_IMAGE=$(jre_image "$java")"
}

# A "patched" server image, <LH_VERSION>-p1: the server image plus one label, so a genuinely different
# image (another image id) of the same release. It stands for a patched rebuild of the same release
# (only LH_VERSION exists on Maven Central) for the multi-host scenario's server image change.
build_server_patched() {
  build_image "$NAMESPACE/lh-server:$LH_VERSION-p1" lh-server-patched "" \
    --build-arg "SERVER_IMAGE=$NAMESPACE/lh-server:$LH_VERSION" --build-arg "PATCH=p1"
}

build_dashboard_double() {
  build_image "$NAMESPACE/lh-dashboard-double:$LH_VERSION" lh-dashboard-double "" --build-arg "DOUBLE_VERSION=$LH_VERSION"
}

# HAProxy from Debian's package, tagged with its release line (the build checks that Debian serves it).
build_haproxy() {
  build_image "$NAMESPACE/haproxy:$HAPROXY_VERSION" haproxy "" --build-arg "HAPROXY_VERSION=$HAPROXY_VERSION"
}

# Keycloak, the OAuth identity provider of the test bed (Molecule secure), from Maven Central's
# keycloak-quarkus-dist tarball (downloaded once into the cache), on the JRE 21 image.
# fetch_artifact GROUP:ARTIFACT:VERSION[:TYPE] FOLDER VARIABLE: one artifact from Maven Central into FOLDER (kept
# once there), with mvn; a version it does not serve stops the build naming VARIABLE, the setting to change.
fetch_artifact() {
  local coord=$1 folder=$2 variable=$3
  say "downloading $coord with mvn"
  rm -rf "$folder.part" && mkdir -p "$folder.part"
  if ! mvn -B -q -Dstyle.color=never -Dmaven.repo.local="${MAVEN_REPO:-$HOME/.m2/repository}" dependency:copy \
       -Dartifact="$coord" -DoutputDirectory="$folder.part" >"$folder.part.log" 2>&1; then
    say "$coord cannot be fetched from Maven Central (set $variable, tests/images/versions.env, to a version it" \
        "serves); last lines of $folder.part.log:" >&2
    tail -n 5 "$folder.part.log" >&2
    exit 2
  fi
  rm -rf "$folder" && mv "$folder.part" "$folder"
}

build_keycloak() {
  local dist=$CACHE/keycloak-$KEYCLOAK_VERSION
  local tarball=keycloak-quarkus-dist-$KEYCLOAK_VERSION.tar.gz
  [ -s "$dist/$tarball" ] || fetch_artifact "org.keycloak:keycloak-quarkus-dist:$KEYCLOAK_VERSION:tar.gz" "$dist" KEYCLOAK_VERSION
  build_jre 21
  # the tarball reaches the context as jars/<tarball>
  build_image "$NAMESPACE/keycloak:$KEYCLOAK_VERSION" keycloak "$dist" --build-arg "KEYCLOAK_VERSION=$KEYCLOAK_VERSION" \
    --build-arg "JRE_IMAGE=$(jre_image 21)"
}

# Prometheus from Debian's package, tagged with its release line (the build checks that Debian serves it).
build_prometheus() {
  build_image "$NAMESPACE/prometheus:$PROMETHEUS_VERSION" prometheus "" --build-arg "PROMETHEUS_VERSION=$PROMETHEUS_VERSION"
}

# The Prometheus JMX exporter's Java agent for the Kafka nodes (a jar, no image): into the cache, where
# tests/testbed/images.yml's kafka_jmx_exporter_jar names it.
build_jmx_exporter() {
  local folder=$CACHE/jmx-exporter jar=jmx_prometheus_javaagent-$JMX_EXPORTER_VERSION.jar
  [ -s "$folder/$jar" ] || fetch_artifact "io.prometheus.jmx:jmx_prometheus_javaagent:$JMX_EXPORTER_VERSION" "$folder" \
    JMX_EXPORTER_VERSION
  say "$folder/$jar ready"
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(all)
started=$SECONDS
for target in "${targets[@]}"; do
  case "$target" in
    base) build_base ;;
    kafka) build_base; build_kafka ;;
    kafka-previous) build_base; build_kafka_previous ;;
    server) build_base; build_server ;;
    server-patched) build_base; build_server; build_server_patched ;;
    dashboard-double) build_base; build_dashboard_double ;;
    haproxy) build_base; build_haproxy ;;
    keycloak) build_base; build_keycloak ;;
    prometheus) build_base; build_prometheus ;;
    jmx-exporter) build_jmx_exporter ;;
    all) build_base; build_kafka; build_kafka_previous; build_server; build_server_patched; build_dashboard_double
         build_haproxy; build_keycloak; build_prometheus; build_jmx_exporter ;;
    *) echo "unknown image '$target': use base, kafka, kafka-previous, server, server-patched, dashboard-double," \
         "haproxy, keycloak, prometheus, jmx-exporter or all" >&2; exit 2 ;;
  esac
done
say "done in $((SECONDS - started))s"
