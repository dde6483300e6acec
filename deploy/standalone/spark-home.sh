#!/usr/bin/env bash
# spark-home.sh DIR — lays out a Spark 3.5 "distribution" in DIR from the Spark jars Maven resolved
# for this project (jobs/target/launcher.classpath): jars/, a RELEASE file, and bin/spark-class and
# bin/spark-submit that start Java through Spark's own launcher, as a downloaded distribution does
# (so the Java 17 module flags and classpath come from Spark, not from us). Used by run-tpch.sh; a
# real installation needs none of this: point SPARK_HOME at it instead.
set -euo pipefail

DIR="${1:?usage: spark-home.sh DIR}"
MEDALLION_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CLASSPATH_FILE="$MEDALLION_HOME/jobs/target/launcher.classpath"
if [[ ! -f "$CLASSPATH_FILE" ]]; then
  echo "spark-home.sh: $CLASSPATH_FILE is missing; build with 'mvn -DskipTests package' first" >&2
  exit 2
fi

mkdir -p "$DIR/jars" "$DIR/bin" "$DIR/conf"
IFS=":" read -r -a jars < "$CLASSPATH_FILE" || true  # no newline at the end: read says EOF
for jar in "${jars[@]}"; do
  ln -sf "$jar" "$DIR/jars/$(basename "$jar")"
done
echo "Spark 3.5 laid out from Maven jars by medallion's deploy/standalone/spark-home.sh" > "$DIR/RELEASE"

# bin/spark-class: what Spark's own script does, minus its platform detection.
cat > "$DIR/bin/spark-class" <<'EOF'
#!/usr/bin/env bash
SPARK_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SPARK_HOME SPARK_SCALA_VERSION="${SPARK_SCALA_VERSION:-2.12}"
RUNNER="java"
[[ -n "${JAVA_HOME:-}" ]] && RUNNER="$JAVA_HOME/bin/java"
build_command() {
  "$RUNNER" -Xmx128m $SPARK_LAUNCHER_OPTS -cp "$SPARK_HOME/jars/*" org.apache.spark.launcher.Main "$@"
  printf "%d\0" $?
}
CMD=()
DELIM=$'\n'
CMD_START_FLAG="false"
while IFS= read -d "$DELIM" -r _ARG; do
  ARG=${_ARG//$'\r'}
  if [[ "$CMD_START_FLAG" == "true" ]]; then
    CMD+=("$ARG")
  elif [[ "$ARG" == $'\0' ]]; then
    DELIM=''
    CMD_START_FLAG="true"
  elif [[ "$ARG" != "" ]]; then
    echo "$ARG"
  fi
done < <(build_command "$@")
LAST=$((${#CMD[@]} - 1))
LAUNCHER_EXIT_CODE=${CMD[$LAST]}
if ! [[ $LAUNCHER_EXIT_CODE =~ ^[0-9]+$ ]]; then
  echo "${CMD[@]}" | head -n-1 1>&2
  exit 1
fi
if [[ $LAUNCHER_EXIT_CODE != 0 ]]; then
  exit "$LAUNCHER_EXIT_CODE"
fi
exec "${CMD[@]:0:$LAST}"
EOF
cat > "$DIR/bin/spark-submit" <<'EOF'
#!/usr/bin/env bash
exec "$(dirname "${BASH_SOURCE[0]}")/spark-class" org.apache.spark.deploy.SparkSubmit "$@"
EOF
chmod +x "$DIR/bin/spark-class" "$DIR/bin/spark-submit"
echo "$DIR"
