package io.medallion.jobs.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.max;

import io.medallion.config.GoldModelSpec;
import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.jobs.pipeline.PipelineRun;
import io.medallion.jobs.quality.QualityResults;
import io.medallion.jobs.silver.QuarantineCounts;
import io.medallion.lake.LakePaths;
import io.medallion.lake.OpsTable;
import io.medallion.lake.TableRef;
import io.medallion.run.JobRunner;
import io.medallion.run.RunLedger;
import io.medallion.run.TableOutcome;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a pipeline run leaves behind once its stages are done, in order: its row in
 * {@code ops.pipeline_runs}, its HTML report and the index of runs, the Prometheus textfile
 * (when the spec has {@code metrics}) and the alert (when it has {@code alerts} and something went
 * wrong). None of them changes the run's exit code: a failure is logged and the next one is tried.
 */
public final class RunOutputs {
    private static final Logger LOG = LoggerFactory.getLogger(RunOutputs.class);

    private final PipelineSpec spec;
    private final List<TableSpec> tables;
    private final LakePaths lake;

    public RunOutputs(PipelineSpec spec, List<TableSpec> tables) {
        this.spec = spec;
        this.tables = List.copyOf(tables);
        this.lake = new LakePaths(spec.storage().lakeRoot());
    }

    /** The report's location for a run. */
    public String reportOf(String runId) {
        return spec.operations().reportsRoot() + "/runs/" + runId + ".html";
    }

    public String indexLocation() {
        return spec.operations().reportsRoot() + "/index.html";
    }

    public void publish(SparkSession spark, PipelineRun run) {
        String report = reportOf(run.runId());
        attempt("ops.pipeline_runs", () -> PipelineRuns.append(spark, lake, run, report));
        attempt("the run report", () -> {
            save(spark, report, report(spark, run).html());
            save(spark, indexLocation(), RunIndex.html(spark, lake, spec.name()));
            LOG.info("run report: {} (all runs: {})", report, indexLocation());
        });
        spec.operations().metricsDirectory().ifPresent(folder -> attempt("the metrics file", () -> LOG.info(
                "metrics: {}", RunMetrics.write(Path.of(folder), run, lastSuccess(spark, run)))));
        if (spec.operations().alerts().enabled()) {
            attempt("the alert", () -> new Alerts(spec.operations().alerts()).send(run, report));
        }
    }

    private static void attempt(String what, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            LOG.warn("could not write {}: {}; the run's exit code stands", what, JobRunner.rootMessage(e), e);
        }
    }

    RunReport report(SparkSession spark, PipelineRun run) {
        List<String> qualityRuns = runIds(run, "quality");
        List<RunReport.QualityLine> quality = new ArrayList<>();
        OpsTable results = OpsTable.in(spark, lake, QualityResults.RESULTS, null);
        if (!qualityRuns.isEmpty()) {
            results.read().ifPresent(d -> d.where(col("run_id").isin(qualityRuns.toArray()))
                    .orderBy("run_date", "table_name", "checked_at").collectAsList().forEach(r -> quality.add(
                            new RunReport.QualityLine(r.getAs("run_date").toString(), r.getAs("table_name"),
                                    r.getAs("constraint_name"), r.getAs("kind"), r.getAs("severity"),
                                    r.getAs("status"), r.getAs("metric_value"), r.getAs("message")))));
        }
        List<String> silverRuns = runIds(run, "silver");
        Map<String, Map<String, Long>> quarantine = new LinkedHashMap<>();
        for (String table : run.stages().stream().filter(s -> s.job().equals("silver"))
                .flatMap(s -> s.outcomes().stream()).map(TableOutcome::table).distinct().toList()) {
            quarantine.put("silver." + table, QuarantineCounts.byRule(spark,
                    lake.path(TableRef.silver(table).quarantine()), silverRuns));
        }
        return new RunReport(run, quality, quarantine, lineage());
    }

    /** Bronze feeds silver for each of the run's tables; each gold model reads its inputs. */
    RunReport.Lineage lineage() {
        Map<String, List<String>> inputs = new LinkedHashMap<>();
        for (TableSpec t : tables) {
            inputs.put(TableRef.silver(t.name()).toString(), List.of(TableRef.bronze(t.name()).toString()));
        }
        for (GoldModelSpec m : spec.gold().values()) {
            inputs.put(TableRef.gold(m.name()).toString(), m.inputs().stream().map(TableRef::toString).toList());
        }
        return new RunReport.Lineage(inputs);
    }

    private static List<String> runIds(PipelineRun run, String job) {
        return run.stages().stream().filter(s -> s.job().equals(job)).map(JobRunner.Run::runId).toList();
    }

    /** Per job and table of the run, when that job last succeeded on it, from ops.runs. */
    private Map<String, Instant> lastSuccess(SparkSession spark, PipelineRun run) {
        Map<String, Instant> last = new HashMap<>();
        List<String> jobs = run.stages().stream().map(JobRunner.Run::job).distinct().toList();
        for (Row r : spark.read().format("delta").load(lake.ops(RunLedger.TABLE))
                .where(col("status").equalTo("succeeded").and(col("job").isin(jobs.toArray())))
                .groupBy("job", "table_name").agg(max("ended_at")).collectAsList()) {
            last.put(RunMetrics.key(r.getString(0), r.getString(1)), r.getTimestamp(2).toInstant());
        }
        return last;
    }

    private static void save(SparkSession spark, String location, String text) {
        org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(location);
        try {
            FileSystem fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
            try (OutputStream out = fs.create(path, true)) {
                out.write(text.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + location, e);
        }
    }
}
