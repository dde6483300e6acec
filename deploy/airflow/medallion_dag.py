"""medallion: the daily lakehouse run as an Airflow DAG, one task per job.

bronze -> silver -> quality silver -> gold -> quality gold -> maintain, each a spark-submit of the
medallion jar through deploy/bin/medallion-submit, with the DAG run's logical date as --run-date.

Exit codes decide what Airflow does (see README, "Exit codes"):
  0  success: the next task runs;
  1  the job failed (I/O, a lost executor ...): retried, up to `retries`;
  2  usage or configuration error: failed at once, never retried (AirflowFailException);
  3  a quality gate failed: failed at once, not retried, downstream tasks do not run; alert on it.

Backfills: `catchup=True` and `max_active_runs=1`, so missed or cleared days run one after another
in date order, as medallion's run ledger expects (one run per job and table at a time; Delta on S3
also needs a single writer per table). `airflow dags backfill -s 2024-01-01 -e 2024-01-31 medallion`
reruns a range; every job is idempotent for its run date.

Settings come from Airflow Variables (Admin -> Variables) with these defaults:
  medallion_home      where the medallion checkout or release is on the workers (/opt/medallion)
  medallion_env       env overlays (cluster,s3)
  medallion_master    spark-submit --master (empty: the cluster's spark-defaults.conf)
S3 credentials are not passed here: the workers' AWS role or environment provides them.

Lineage: where Airflow's OpenLineage provider is installed, each task passes its own OpenLineage run
as the parent of the job's (spark.openlineage.parentRunId, parentJobName, parentJobNamespace), so a
lineage service shows the medallion job runs, and their Spark queries, under the Airflow task. The
spec's lineage section says where medallion sends its events.
"""

import os
import subprocess
from datetime import datetime, timedelta

from airflow import DAG
from airflow.exceptions import AirflowFailException
from airflow.models import Variable
from airflow.operators.python import PythonOperator

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_QUALITY_GATE = 0, 1, 2, 3


def lineage_parent(context):
    """--conf settings naming the task's OpenLineage run, or none without the OpenLineage provider."""
    try:
        from airflow.providers.openlineage.plugins.macros import (
            lineage_job_name, lineage_job_namespace, lineage_run_id)
    except ImportError:
        return []
    ti = context["task_instance"]
    return ["--conf", f"spark.openlineage.parentRunId={lineage_run_id(ti)}",
            "--conf", f"spark.openlineage.parentJobName={lineage_job_name(ti)}",
            "--conf", f"spark.openlineage.parentJobNamespace={lineage_job_namespace()}"]


def run_medallion(command, *args, **context):
    """Runs one medallion job for the DAG run's date and maps its exit code to Airflow's outcome.

    The date comes from the task's context: a parameter named ds next to op_args trips Airflow's
    reserved-argument check before 2.10 (apache/airflow#41286).
    """
    ds = context["ds"]
    home = Variable.get("medallion_home", default_var="/opt/medallion")
    env = {
        "MEDALLION_ENV": Variable.get("medallion_env", default_var="cluster,s3"),
        "MEDALLION_MASTER": Variable.get("medallion_master", default_var=""),
    }
    cmd = [f"{home}/deploy/bin/medallion-submit", command, "--run-date", ds, *args, *lineage_parent(context)]
    print("running:", " ".join(cmd))
    code = subprocess.run(cmd, env={**os.environ, **env}, check=False).returncode
    if code == EXIT_OK:
        return
    if code == EXIT_QUALITY_GATE:
        raise AirflowFailException(f"medallion {command} for {ds}: a quality gate failed (exit 3); "
                                   "see ops.quality_results and the quality report")
    if code == EXIT_USAGE:
        raise AirflowFailException(f"medallion {command}: usage or configuration error (exit 2); not retried")
    # 1, or a signal: an ordinary failure that Airflow retries.
    raise RuntimeError(f"medallion {command} for {ds} failed with exit code {code}")


default_args = {
    "owner": "data-engineering",
    "retries": 2,
    "retry_delay": timedelta(minutes=5),
    "depends_on_past": True,
}

with DAG(
    dag_id="medallion",
    description="Landing files -> bronze -> silver -> gold, with quality gates and maintenance",
    schedule="@daily",
    start_date=datetime(2024, 1, 1),
    catchup=True,
    max_active_runs=1,
    default_args=default_args,
    tags=["medallion", "lakehouse"],
) as dag:
    stages = [
        ("bronze", ["bronze"]),
        ("silver", ["silver"]),
        ("quality_silver", ["quality", "--layer", "silver"]),
        ("gold", ["gold"]),
        ("quality_gold", ["quality", "--layer", "gold"]),
        ("maintain", ["maintain"]),
    ]
    tasks = [
        PythonOperator(task_id=task_id, python_callable=run_medallion, op_args=job)
        for task_id, job in stages
    ]
    for upstream, downstream in zip(tasks, tasks[1:]):
        upstream >> downstream
