#!/usr/bin/env bash
# The first 1,000 requests after start (issue 18), with and without the start-up warm-up:
# starts the demo app, waits until its readiness probe says ACCEPTING_TRAFFIC, and sends
# 1,000 requests one after another (a tiny fresh worker of never-seen code each) from a
# driver whose own HTTP client was warmed first, then the same again on a new instance with
# worker-loader.warm-up.enabled=false. Loopback only.
# Usage: [APP_OPTS="-D..."] benchmarks/cold-start.sh [requests]   Results: benchmarks/results/cold-start.txt
# (APP_OPTS: extra JVM options of the app, e.g. -Dpolyglot.engine.Mode=latency)
set -euo pipefail
cd "$(dirname "$0")/.."
REQUESTS="${1:-1000}"
export JAVA_HOME="${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
./mvnw -q -Pbenchmarks -pl benchmarks,demo-app -am -DskipTests package
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
JIT="-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path=target/graal-compiler --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
mkdir -p benchmarks/results
run() {
	local label="$1" warm="$2" mode="$3"
	local marker
	marker=$(mktemp -u)
	# The driver warms its own HTTP client first (on a stub of its own), then waits for readiness.
	"$JAVA_HOME/bin/java" -cp "$CP" dev.workerloader.benchmarks.ColdStart http://127.0.0.1:18081/api/agents/run "$REQUESTS" "$label" "$mode" \
		"$marker" http://127.0.0.1:18081/actuator/health/readiness &
	local driver=$!
	while [ ! -f "$marker" ]; do sleep 0.1; done
	rm -f "$marker"
	local started=$(date +%s%N)
	"$JAVA_HOME/bin/java" -Xmx2g -Xss4m $JIT ${APP_OPTS:-} -jar demo-app/target/demo-app-0.1.0-SNAPSHOT.jar --server.address=127.0.0.1 --server.port=18081 \
		--logging.level.dev.workerloader.guest=OFF --worker-loader.audit.enabled=false \
		--management.endpoint.health.probes.enabled=true --worker-loader.warm-up.enabled="$warm" > "benchmarks/results/cold-start-$label.log" 2>&1 &
	local app=$!
	for i in $(seq 1 2400); do
		curl -sf -o /dev/null 127.0.0.1:18081/actuator/health/readiness && break
		sleep 0.025
	done
	echo "$label: ready $(( ($(date +%s%N) - started) / 1000000 )) ms after the JVM started"
	wait $driver
	kill $app; wait $app 2>/dev/null || true
}
{
	echo "# $(date -u +%FT%TZ) $(nproc) cores, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1), load $(cut -d' ' -f1-3 /proc/loadavg)"
	run warm-up true unique
	run no-warm-up false unique
	run warm-up-same true same
	run no-warm-up-same false same
} 2>&1 | tee benchmarks/results/cold-start.txt
