#!/usr/bin/env bash
# run-tpch.sh [WORK_DIR] — the cluster check: the TPC-H pipeline at SF 0.01 on a real Spark
# standalone cluster, submitted with spark-submit, must give the same tables as local mode.
#
#  1. lays out a Spark 3.5 distribution from Maven's Spark jars (spark-home.sh) and starts a
#     standalone master and one worker on 127.0.0.1;
#  2. generates the sample data in two daily batches, then submits the medallion jar with
#     deploy/bin/medallion-submit: the first run date in client deploy mode, the second in cluster
#     deploy mode (the driver runs on the worker), each checked for success and its ledger rows;
#  3. runs the same dates in local mode through deploy/bin/medallion, unless the tests just built
#     that lake with this jar: the demo's (jobs/target/demo-lake, the same data and salt);
#  4. compares every bronze, silver and gold table of the two lakes row for row;
#  5. stops the cluster (also on failure). Exit 0 when all of it holds.
#
# Needs the build (mvn -DskipTests package; CI runs it after mvn verify). Logs and both lakes stay
# in WORK_DIR (default: a new temporary folder) for a look afterwards.
set -euo pipefail

MEDALLION_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
WORK="${1:-$(mktemp -d -t medallion-standalone.XXXXXX)}"
mkdir -p "$WORK"
WORK="$(cd "$WORK" && pwd)"
# The whole SF 0.01 data set in two daily batches: an initial load and an incremental one.
DATES=(2024-01-01 2024-01-02)
log() { printf '%s standalone: %s\n' "$(date -u +%H:%M:%S)" "$*"; }

free_port() { # a random loopback port that nothing answers on
  local port
  while true; do
    port=$((20000 + RANDOM % 30000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then echo "$port"; return; fi
  done
}
wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local seconds="$1" what="$2"
  shift 2
  for _ in $(seq "$seconds"); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 1
  done
  log "timed out waiting for $what"
  return 1
}

JAR="$(ls "$MEDALLION_HOME"/jobs/target/medallion-jobs-*.jar 2>/dev/null | grep -v original- | head -n 1 || true)"
if [[ -z "$JAR" || ! -f "$MEDALLION_HOME/jobs/target/launcher.classpath" ]]; then
  log "building the jar"
  (cd "$MEDALLION_HOME" && mvn -B -q -DskipTests package)
  JAR="$(ls "$MEDALLION_HOME"/jobs/target/medallion-jobs-*.jar | grep -v original- | head -n 1)"
fi

export SPARK_HOME="$WORK/spark"
"$MEDALLION_HOME/deploy/standalone/spark-home.sh" "$SPARK_HOME" >/dev/null
export SPARK_SCALA_VERSION=2.12 SPARK_LOCAL_IP=127.0.0.1 SPARK_LOG_DIR="$WORK/logs"
mkdir -p "$SPARK_LOG_DIR"

MASTER_PORT="$(free_port)"
MASTER="spark://127.0.0.1:$MASTER_PORT"
PIDS=()
stop_cluster() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop_cluster EXIT

log "starting the master at $MASTER and one worker (logs in $SPARK_LOG_DIR)"
"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.master.Master --host 127.0.0.1 --port "$MASTER_PORT" \
  --webui-port "$(free_port)" > "$SPARK_LOG_DIR/master.log" 2>&1 &
PIDS+=($!)
wait_for 60 "the master" bash -c "exec 3<>/dev/tcp/127.0.0.1/$MASTER_PORT"
# One core more than a 2-core machine has: in cluster deploy mode the driver takes one of the
# worker's cores, and its executor should still run two tasks at once, as in client mode.
"$SPARK_HOME/bin/spark-class" org.apache.spark.deploy.worker.Worker --host 127.0.0.1 --cores 3 --memory 6g \
  --webui-port "$(free_port)" --work-dir "$WORK/worker" "$MASTER" > "$SPARK_LOG_DIR/worker.log" 2>&1 &
PIDS+=($!)
wait_for 60 "the worker to register" grep -q "Successfully registered with master" "$SPARK_LOG_DIR/worker.log"

# Both runs read the same landing data and hash PII with the same salt, the local overlay's
# default, which the demo uses too; each has its own lake.
for where in cluster local; do
  cat > "$WORK/$where.yaml" <<EOF
storage: {lake_root: $WORK/lake-$where, landing_root: $WORK/landing}
privacy: {pii_salt: medallion-local-salt}
EOF
done
log "generating TPC-H SF 0.01 into $WORK/landing"
"$MEDALLION_HOME/deploy/bin/medallion" generate --env "local,$WORK/local.yaml" --batches ${#DATES[@]} \
  > "$SPARK_LOG_DIR/generate.log"

# Small-data settings an operator would give a 2-core cluster; the jar and the spec are unchanged.
export MEDALLION_MASTER="$MASTER" MEDALLION_ENV="cluster,$WORK/cluster.yaml"
export MEDALLION_SUBMIT_OPTS="--driver-memory 2g --executor-memory 2g --conf spark.sql.shuffle.partitions=4
  --conf spark.default.parallelism=4 --conf spark.sql.sources.parallelPartitionDiscovery.parallelism=4
  --conf spark.databricks.delta.snapshotPartitions=2 --conf spark.ui.enabled=false
  --conf spark.standalone.submit.waitAppCompletion=true"

submit() { # submit MODE DATE
  local mode="$1" date="$2" start=$SECONDS status
  set +e
  MEDALLION_DEPLOY_MODE="$mode" "$MEDALLION_HOME/deploy/bin/medallion-submit" pipeline --run-date "$date" \
    > "$SPARK_LOG_DIR/submit-$mode-$date.log" 2>&1
  status=$?
  set -e
  log "spark-submit --deploy-mode $mode pipeline --run-date $date: exit $status in $((SECONDS - start)) s"
  if [[ $status -ne 0 ]]; then
    tail -n 40 "$SPARK_LOG_DIR/submit-$mode-$date.log"
    exit 1
  fi
}

cluster_start=$SECONDS
submit client "${DATES[0]}"
for date in "${DATES[@]:1}"; do
  submit cluster "$date"
done
cluster_seconds=$((SECONDS - cluster_start))

# In cluster mode the driver's exit code reaches the worker, not spark-submit: check the worker.
drivers_ok=$(grep -c "exited successfully" "$SPARK_LOG_DIR/worker.log" || true)
if [[ "$drivers_ok" -ne $((${#DATES[@]} - 1)) ]] || grep -q "exited with failure" "$SPARK_LOG_DIR/worker.log"; then
  log "the drivers run on the worker in cluster mode did not all succeed (see $WORK/worker/driver-*/stderr)"
  grep "Driver driver-" "$SPARK_LOG_DIR/worker.log" || true
  exit 1
fi
ledger="$("$MEDALLION_HOME/deploy/bin/medallion" sql --env "local,$WORK/cluster.yaml" --json \
  "SELECT run_date, status, count(*) AS n FROM ops.runs GROUP BY 1, 2 ORDER BY 1, 2" 2>"$SPARK_LOG_DIR/ledger.log")"
echo "$ledger"
if grep -v '"status":"succeeded"' <<<"$ledger" | grep -q .; then
  log "the cluster lake's ledger has rows that did not succeed"
  exit 1
fi
if [[ "$(grep -c succeeded <<<"$ledger")" -ne ${#DATES[@]} ]]; then
  log "the cluster lake's ledger does not cover every run date"
  exit 1
fi

local_start=$SECONDS
reference="$WORK/lake-local"
demo_lake="$MEDALLION_HOME/jobs/target/demo-lake/lake"
if [[ -d "$demo_lake/gold" && "$demo_lake" -nt "$JAR" && -z "${MEDALLION_PII_SALT:-}" ]]; then
  # The demo is generate --batches 2 and the pipeline over both dates in local mode: this lake.
  reference="$demo_lake"
  log "the same dates in local mode: the demo's lake, built by the tests with this jar ($demo_lake)"
else
  log "the same dates in local mode"
  "$MEDALLION_HOME/deploy/bin/medallion" pipeline --env "local,$WORK/local.yaml" --from "${DATES[0]}" \
    --to "${DATES[-1]}" > "$SPARK_LOG_DIR/local.log" 2>&1 || { tail -n 40 "$SPARK_LOG_DIR/local.log"; exit 1; }
fi
local_seconds=$((SECONDS - local_start))

log "comparing the lakes (cluster ${cluster_seconds} s, local mode ${local_seconds} s)"
# shellcheck source=../bin/java17-opens.sh
source "$MEDALLION_HOME/deploy/bin/java17-opens.sh"
java -Xmx2g "${OPENS[@]}" \
  -cp "$JAR:$(cat "$MEDALLION_HOME/jobs/target/launcher.classpath"):$MEDALLION_HOME/jobs/target/test-classes:$MEDALLION_HOME/common/target/test-classes" \
  io.medallion.jobs.LakeComparison "$WORK/lake-cluster" "$reference" 2> "$SPARK_LOG_DIR/compare.log"
log "passed: spark-submit to a standalone cluster (client and cluster deploy modes) equals local mode"
