#!/usr/bin/env bash
# Print the test bed's figures (no assertions): image sizes, time from `docker run` to a
# ready server (Kafka started just before), and resident memory of an idle server and Kafka.
# Uses containers named lhfig-*, removed before and after.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../images/versions.env"
NS=${IMAGE_NAMESPACE:-lh-testbed}
KAFKA_IMAGE=$NS/kafka:${KAFKA_VERSION}
SERVER_IMAGE=$NS/lh-server:${LH_VERSION}
IDLE_SECONDS=${IDLE_SECONDS:-30}

cleanup() {
  docker rm -f -v lhfig-kafka lhfig-server >/dev/null 2>&1 || true
  docker volume rm lhfig-kafka lhfig-server >/dev/null 2>&1 || true
  docker network rm lhfig-net >/dev/null 2>&1 || true
}
trap cleanup EXIT
cleanup
rss() { docker exec "$1" sh -c 'grep VmRSS /proc/1/status' | awk '{printf "%.0f MiB", $2/1024}'; }
now() { date +%s.%N; }

echo "image sizes:"
for image in "$NS/debian:$DEBIAN_SUITE" "$KAFKA_IMAGE" "$SERVER_IMAGE" "$NS/lh-dashboard-double:$LH_VERSION"; do
  printf '  %-40s %s\n' "$image" "$(docker image inspect -f '{{.Size}}' "$image" | numfmt --to=iec)"
done

docker network create lhfig-net >/dev/null
t0=$(now)
docker run -d --name lhfig-kafka --network lhfig-net -v lhfig-kafka:/var/lib/kafka/data \
  -e CLUSTER_ID=bGhmaWd1cmVzY2x1c3RlcjE -e KAFKA_NODE_ID=1 -e KAFKA_PROCESS_ROLES=broker,controller \
  -e KAFKA_LISTENERS=PLAINTEXT://:9092,CONTROLLER://:9093 -e KAFKA_ADVERTISED_LISTENERS=PLAINTEXT://lhfig-kafka:9092 \
  -e KAFKA_LISTENER_SECURITY_PROTOCOL_MAP=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT \
  -e KAFKA_CONTROLLER_QUORUM_VOTERS=1@lhfig-kafka:9093 -e KAFKA_LOG_DIRS=/var/lib/kafka/data \
  -e "KAFKA_HEAP_OPTS=-Xmx512m -Xms512m" "$KAFKA_IMAGE" >/dev/null
until docker exec lhfig-kafka bash -c '</dev/tcp/127.0.0.1/9092' 2>/dev/null; do sleep 0.2; done
t1=$(now)
docker run -d --name lhfig-server --network lhfig-net -v lhfig-server:/lh-data \
  -e LHS_KAFKA_BOOTSTRAP_SERVERS=lhfig-kafka:9092 -e LHS_CLUSTER_ID=figures -e LHS_INSTANCE_ID=1 \
  -e LHS_INTERNAL_ADVERTISED_HOST=lhfig-server -e "JAVA_OPTS=-Xmx512m -Xms512m" "$SERVER_IMAGE" >/dev/null
ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' lhfig-server)
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$ip:1822/readiness")" = 200 ]; do sleep 0.2; done
t2=$(now)
printf 'kafka: docker run -> broker port open   %.1f s\n' "$(echo "$t1 - $t0" | bc)"
printf 'server: docker run -> /readiness 200     %.1f s (new cluster: topics created on first start)\n' "$(echo "$t2 - $t1" | bc)"
docker restart -t 120 lhfig-server >/dev/null
t3=$(now)
ip=$(docker inspect -f '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}' lhfig-server)
until [ "$(curl -s -o /dev/null -w '%{http_code}' "http://$ip:1822/readiness")" = 200 ]; do sleep 0.2; done
printf 'server: restart -> /readiness 200        %.1f s (existing state volume)\n' "$(echo "$(now) - $t3" | bc)"
sleep "$IDLE_SECONDS"
echo "resident memory after ${IDLE_SECONDS}s idle (heaps capped at 512 MiB):"
echo "  kafka  $(rss lhfig-kafka)"
echo "  server $(rss lhfig-server)"
