package io.medallion.jobs.ops;

import io.medallion.jobs.pipeline.PipelineRun;
import io.medallion.run.JobRunner;
import io.medallion.run.TableOutcome;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A pipeline run's figures in Prometheus's text format, as node_exporter's textfile collector reads
 * them: per stage and table, the stage's seconds (its tables run side by side), rows read, written
 * and quarantined, and when the stage last succeeded on the table; per pipeline, the exit code,
 * seconds and end time of the run. Written with Prometheus's own writer to a temporary file renamed
 * over {@code medallion_<pipeline>.prom}, so the collector never reads half a file.
 */
public final class RunMetrics {
    private RunMetrics() {
    }

    /** The file's name in the textfile folder. */
    public static String fileName(String pipeline) {
        return "medallion_" + pipeline.replaceAll("[^A-Za-z0-9_]", "_") + ".prom";
    }

    /**
     * @param lastSuccess per job and table ({@link #key}), when it last succeeded,
     *     from ops.runs, so a table this run failed keeps its earlier success time
     */
    static Path write(Path folder, PipelineRun run, Map<String, Instant> lastSuccess) {
        Map<String, StageTable> latest = new LinkedHashMap<>();
        for (JobRunner.Run s : run.stages()) {
            for (TableOutcome o : s.outcomes()) {
                latest.put(key(s.stage(), o.table()), new StageTable(s, o));
            }
        }
        GaugeSnapshot.Builder seconds = gauge("medallion_stage_duration_seconds",
                "Seconds the stage's latest run took; its tables run side by side");
        GaugeSnapshot.Builder read = gauge("medallion_rows_read", "Rows the stage read for the table");
        GaugeSnapshot.Builder written = gauge("medallion_rows_written", "Rows the stage wrote to the table");
        GaugeSnapshot.Builder quarantined = gauge("medallion_rows_quarantined", "Rows the stage kept out of the table");
        GaugeSnapshot.Builder success = gauge("medallion_last_success_timestamp_seconds",
                "When the stage last succeeded on the table, in Unix seconds");
        for (StageTable st : latest.values()) {
            Labels labels = Labels.of("pipeline", run.pipeline(), "stage", st.run().stage(), "table", st.outcome().table());
            seconds.dataPoint(point(labels, PipelineRuns.seconds(st.run())));
            read.dataPoint(point(labels, st.outcome().rowsRead()));
            written.dataPoint(point(labels, st.outcome().rowsWritten()));
            quarantined.dataPoint(point(labels, st.outcome().rowsQuarantined()));
            Instant last = lastSuccess.get(key(st.run().job(), st.outcome().table()));
            if (last != null) {
                success.dataPoint(point(labels, last.toEpochMilli() / 1000.0));
            }
        }
        Labels pipeline = Labels.of("pipeline", run.pipeline());
        MetricSnapshots snapshots = MetricSnapshots.of(seconds.build(), read.build(), written.build(),
                quarantined.build(), success.build(),
                gauge("medallion_pipeline_exit_code", "The exit code of the latest pipeline run")
                        .dataPoint(point(pipeline, run.exitCode())).build(),
                gauge("medallion_pipeline_duration_seconds", "Seconds the latest pipeline run took")
                        .dataPoint(point(pipeline, run.duration().toMillis() / 1000.0)).build(),
                gauge("medallion_pipeline_last_run_timestamp_seconds", "When the latest pipeline run ended")
                        .dataPoint(point(pipeline, run.endedAt().toEpochMilli() / 1000.0)).build());
        try {
            ByteArrayOutputStream text = new ByteArrayOutputStream();
            PrometheusTextFormatWriter.create().write(text, snapshots);
            Files.createDirectories(folder);
            Path file = folder.resolve(fileName(run.pipeline()));
            Path partial = Files.createTempFile(folder, ".medallion", ".prom.tmp");
            Files.write(partial, text.toByteArray());
            Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the metrics file in " + folder, e);
        }
    }

    static String key(String job, String table) {
        return job + '\u0000' + table;
    }

    private record StageTable(JobRunner.Run run, TableOutcome outcome) {
    }

    private static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    private static GaugeSnapshot.GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeSnapshot.GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
