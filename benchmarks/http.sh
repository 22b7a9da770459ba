#!/usr/bin/env bash
# Over HTTP: the demo app serving POST /api/agents/run {code, param} with a fresh sandbox per
# request, against a baseline of a new node process per request (node-baseline.js), both
# driven by HttpLoad from a second process on loopback at concurrency 1 and 2; then the
# demo app again with never-seen code in every request (issue 18).
# Usage: benchmarks/http.sh [seconds]   Results: benchmarks/results/http.txt
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-20}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -q -Pbenchmarks -pl benchmarks,demo-app -am -DskipTests package
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
JIT="-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path=target/graal-compiler --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
mkdir -p benchmarks/results
"$JAVA_HOME/bin/java" -Xmx2g -Xss4m $JIT -jar demo-app/target/demo-app-0.1.0-SNAPSHOT.jar --server.port=18080 \
	--logging.level.dev.workerloader.guest=OFF --worker-loader.audit.enabled=false > benchmarks/results/demo-app.log 2>&1 &
DEMO=$!
node benchmarks/node-baseline.js 18090 &
NODE=$!
trap 'kill $DEMO $NODE 2>/dev/null || true' EXIT
for i in $(seq 1 60); do
	curl -sf -o /dev/null localhost:18080/actuator/health && break
	sleep 1
done
{
	echo "# $(date -u +%FT%TZ) $(nproc) cores, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), node $(node --version), ${SECONDS_PER_RUN}s per run after a warm-up"
	for c in 1 2; do
		"$JAVA_HOME/bin/java" -cp "$CP" dev.workerloader.benchmarks.HttpLoad http://127.0.0.1:18080/api/agents/run "$c" "$SECONDS_PER_RUN" "worker-loader"
		"$JAVA_HOME/bin/java" -cp "$CP" dev.workerloader.benchmarks.HttpLoad http://127.0.0.1:18090/api/agents/run "$c" "$SECONDS_PER_RUN" "node-per-request"
	done
	# Issue 18: every request's code is new to the server (a parse-cache miss each time).
	for c in 1 2; do
		"$JAVA_HOME/bin/java" -cp "$CP" dev.workerloader.benchmarks.HttpLoad http://127.0.0.1:18080/api/agents/run "$c" "$SECONDS_PER_RUN" "worker-loader" unique
	done
} 2>&1 | tee benchmarks/results/http.txt
