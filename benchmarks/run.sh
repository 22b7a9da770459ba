#!/usr/bin/env bash
# Runs every benchmark of docs/performance.md and writes the results to benchmarks/results/.
# Usage: benchmarks/run.sh [quick]   (quick: fewer iterations, for a smoke run)
set -euo pipefail
cd "$(dirname "$0")/.."
JDK25=/usr/lib/jvm/temurin-25-jdk-amd64
export JAVA_HOME="${JAVA_HOME:-$JDK25}"
./mvnw -q -Pbenchmarks -pl benchmarks -am -DskipTests package
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
COMPILER=target/graal-compiler
JIT="-XX:+UnlockExperimentalVMOptions -XX:+EnableJVMCI --upgrade-module-path=$COMPILER --enable-native-access=ALL-UNNAMED --sun-misc-unsafe-memory-access=allow"
BASE="-Xmx2g -Xss4m -Dpolyglot.engine.WarnInterpreterOnly=false"
mkdir -p benchmarks/results
ITER="-wi 5 -w 2s -i 5 -r 3s -f 1"
# The worker host's own JIT needs 15-20 s before a warm call on the process tier is steady.
ITER_ISOLATION="-wi 6 -w 5s -i 5 -r 3s -f 1"
[ "${1:-}" = quick ] && ITER="-wi 2 -w 1s -i 3 -r 1s -f 1" && ITER_ISOLATION="$ITER"
{
  echo "# $(date -u +%FT%TZ) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $("$JAVA_HOME/bin/java" -version 2>&1 | head -1)"
  echo "## JMH, JIT"
  "$JAVA_HOME/bin/java" $BASE $JIT -cp "$CP" org.openjdk.jmh.Main SandboxBenchmarks $ITER -jvmArgs "$BASE $JIT" -rf text -rff benchmarks/results/jmh-jit.txt
  echo "## JMH, interpreter (compute only)"
  "$JAVA_HOME/bin/java" $BASE -cp "$CP" org.openjdk.jmh.Main 'SandboxBenchmarks.fibAndJson' -p pooled=true $ITER -jvmArgs "$BASE" -rf text -rff benchmarks/results/jmh-interpreter.txt
  echo "## JMH, isolation tiers (issue 16)"
  "$JAVA_HOME/bin/java" $BASE $JIT -cp "$CP" org.openjdk.jmh.Main IsolationBenchmarks $ITER_ISOLATION -jvmArgs "$BASE $JIT" -rf text -rff benchmarks/results/jmh-isolation.txt
  echo "## Kill latency"
  "$JAVA_HOME/bin/java" $BASE $JIT -cp "$CP" dev.workerloader.benchmarks.KillLatency 200
  echo "## Memory per worker"
  "$JAVA_HOME/bin/java" $BASE $JIT -cp "$CP" dev.workerloader.benchmarks.MemoryPerWorker 1000
} 2>&1 | tee benchmarks/results/in-process.txt
