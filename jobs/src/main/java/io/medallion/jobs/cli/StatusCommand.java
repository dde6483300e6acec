package io.medallion.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.medallion.config.PipelineSpec;
import io.medallion.jobs.ops.LakeStatus;
import io.medallion.jobs.quality.Freshness;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code medallion status}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {
            "One screen on the lake: the latest pipeline run and its report, then per table the last bronze, silver,",
            "gold or reconcile run that",
            "touched it, its status and when, rows per layer, freshness, the last quality outcome and silver's",
            "quarantine rate over its last " + LakeStatus.TREND_RUNS + " runs (oldest to newest, then the latest).",
            "",
            "Reads ops.* and the Delta logs only (row counts come from the logs' statistics); writes nothing",
            "and takes no lock, so it is safe while a pipeline runs. Exits 0."
        })
final class StatusCommand extends SparkCommand {
    @Option(names = "--json", description = "One JSON object: the last run, and the tables.")
    boolean json;

    @Override
    JobRunner.SessionBody prepare(PipelineSpec spec) {
        return spark -> {
            LakeStatus status = new LakeStatus(spark, spec, Clock.systemUTC());
            LakeStatus.Report report = status.read();
            Optional<LakeStatus.LastRun> last = report.lastRun();
            List<LakeStatus.Line> lines = report.lines();
            PrintWriter out = out();
            if (json) {
                out.println(toJson(spec, last, lines));
                return ExitCode.OK;
            }
            out.println(last.map(r -> "last run " + r.runId() + " (" + r.runDates() + "): " + r.status() + ", ended "
                    + r.endedAt() + ", " + String.format(java.util.Locale.ROOT, "%.1f s", r.seconds()) + "\nreport "
                    + r.report()).orElse("no pipeline run is recorded yet (ops.pipeline_runs)"));
            List<Row> rows = new ArrayList<>();
            for (LakeStatus.Line l : lines) {
                rows.add(RowFactory.create(l.table(), l.lastJob(), l.lastStatus(), l.lastRunAt() == null ? ""
                        : l.lastRunAt().toString(), rows(l, "bronze"), rows(l, "silver"), rows(l, "gold"),
                        l.freshness().map(f -> f.status().specName() + " (" + f.age().map(Freshness::hours)
                                .orElse("never loaded") + ")").orElse(""), l.quality(), l.trend()));
            }
            out.print(TextTable.render(new String[] {"table", "last_job", "status", "at", "bronze_rows", "silver_rows",
                "gold_rows", "freshness", "quality", "quarantine"}, rows, rows.size()));
            return ExitCode.OK;
        };
    }

    private static String rows(LakeStatus.Line line, String layer) {
        Long n = line.rows().get(layer);
        return n == null ? "" : String.format(java.util.Locale.ROOT, "%,d", n);
    }

    private static String toJson(PipelineSpec spec, Optional<LakeStatus.LastRun> last, List<LakeStatus.Line> lines) {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode root = mapper.createObjectNode().put("pipeline", spec.name());
        last.ifPresentOrElse(r -> root.putObject("last_run").put("run_id", r.runId()).put("run_dates", r.runDates())
                .put("status", r.status()).put("ended_at", r.endedAt().toString()).put("seconds", r.seconds())
                .put("report", r.report()), () -> root.putNull("last_run"));
        var tables = root.putArray("tables");
        for (LakeStatus.Line l : lines) {
            ObjectNode t = tables.addObject().put("table", l.table()).put("last_job", l.lastJob())
                    .put("status", l.lastStatus()).put("at", l.lastRunAt() == null ? null : l.lastRunAt().toString());
            ObjectNode rows = t.putObject("rows");
            l.rows().forEach(rows::put);
            l.freshness().ifPresentOrElse(f -> t.set("freshness", FreshnessCommand.toJson(mapper, f)),
                    () -> t.putNull("freshness"));
            t.put("quality", l.quality());
            var rates = t.putArray("quarantine_rates");
            l.quarantineRates().forEach(rates::add);
        }
        return root.toString();
    }
}
