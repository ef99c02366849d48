#!/usr/bin/env bash
# Resolve a Maven artifact and its runtime dependencies into a folder, with mvn.
# Usage: resolve-jars.sh OUT_DIR GROUP:ARTIFACT:VERSION [GROUP:ARTIFACT:VERSION ...]
# The first coordinate is the one the image is about: when its version is not
# served, fail at once naming the version and the versions that are.
# A folder that already holds a complete resolution (the .complete marker) is kept.
set -euo pipefail
OUT=${1:?output folder}; shift
MAIN=${1:?group:artifact:version}
M2=${MAVEN_REPO:-$HOME/.m2/repository}
MVN=(mvn -B -q -Dstyle.color=never -Dmaven.repo.local="$M2")

say() { printf '[jars] %s\n' "$*"; }

if [ -f "$OUT/.complete" ] && [ "$(cat "$OUT/.complete")" = "$*" ]; then
  say "$MAIN: $(ls "$OUT"/*.jar | wc -l) jars already resolved in $OUT"
  exit 0
fi

IFS=: read -r group artifact version <<<"$MAIN"
list_versions() {
  # Asking for LATEST makes mvn fetch the artifact's version list into the local repository.
  "${MVN[@]}" -U dependency:get -Dartifact="$group:$artifact:LATEST" -Dtransitive=false >/dev/null 2>&1 || true
  local meta
  meta=$(ls "$M2/${group//.//}/$artifact"/maven-metadata-*.xml 2>/dev/null | head -n 1)
  [ -n "$meta" ] && sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$meta" | paste -sd' ' || echo "(none listed)"
}
if ! out=$("${MVN[@]}" -U dependency:get -Dartifact="$MAIN:pom" -Dtransitive=false 2>&1); then
  echo "error: $group:$artifact version '$version' cannot be resolved from Maven Central." >&2
  reason=$(grep -m1 -o "Could not find artifact[^(]*" <<<"$out" || grep -m1 ERROR <<<"$out" || tail -n 1 <<<"$out")
  echo "       resolver said: $(sed -E 's#[a-z]+://[^ )]+#the central repository#g' <<<"$reason")" >&2
  echo "       versions served: $(list_versions)" >&2
  exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
{
  echo '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>'
  echo '<groupId>local.lh-testbed</groupId><artifactId>image-jars</artifactId><version>1</version>'
  echo '<packaging>pom</packaging><dependencies>'
  for coord in "$@"; do
    IFS=: read -r g a v <<<"$coord"
    echo "<dependency><groupId>$g</groupId><artifactId>$a</artifactId><version>$v</version></dependency>"
  done
  echo '</dependencies></project>'
} >"$work/pom.xml"
say "resolving $* with mvn"
if ! "${MVN[@]}" -f "$work/pom.xml" dependency:copy-dependencies -DincludeScope=runtime \
      -DoutputDirectory="$work/jars" >"$work/mvn.log" 2>&1; then
  grep -m5 ERROR "$work/mvn.log" >&2 || tail -n 20 "$work/mvn.log" >&2
  exit 1
fi
rm -rf "$OUT" && mkdir -p "$(dirname "$OUT")" && mv "$work/jars" "$OUT"
echo "$*" >"$OUT/.complete"
say "$MAIN: $(ls "$OUT"/*.jar | wc -l) jars, $(du -sh "$OUT" | cut -f1)"
