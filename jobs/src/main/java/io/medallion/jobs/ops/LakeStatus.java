package io.medallion.jobs.ops;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.jobs.quality.Freshness;
import io.medallion.jobs.quality.QualityResults;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.lake.LakePaths;
import io.medallion.lake.TableRef;
import io.medallion.run.RunLedger;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The state of the lake per table, from {@code ops.*} and the Delta logs only: the last build run that
 * touched the table, rows per layer (Delta answers a count from its log's statistics), freshness,
 * the last quality outcome and silver's quarantine rate over its latest runs.
 */
public final class LakeStatus {
    /** How many of silver's latest runs the quarantine trend shows. */
    public static final int TREND_RUNS = 8;
    private static final String BARS = "▁▂▃▄▅▆▇█";

    /**
     * One table: a spec table (bronze and silver) or a gold model.
     *
     * @param rows per layer that holds the table, its row count; absent for a table not built yet
     * @param freshness fresh, warning or error; empty when the table declares none
     * @param quality the last quality run's outcome: passed, or how many errors and warnings failed
     * @param quarantineRates silver's latest runs' shares of rows quarantined, oldest first
     */
    public record Line(String table, String lastJob, String lastStatus, Instant lastRunAt, Map<String, Long> rows,
                       Optional<Freshness.Result> freshness, String quality, List<Double> quarantineRates) {
        /** The trend as a sparkline and the latest rate: {@code ▁▁▅ 2.1%}. */
        public String trend() {
            if (quarantineRates.isEmpty()) {
                return "";
            }
            double top = quarantineRates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
            StringBuilder s = new StringBuilder();
            for (double r : quarantineRates) {
                s.append(BARS.charAt(top == 0 ? 0 : (int) Math.round(r / top * (BARS.length() - 1))));
            }
            return s.append(String.format(java.util.Locale.ROOT, " %.2f%%",
                    100 * quarantineRates.get(quarantineRates.size() - 1))).toString();
        }
    }

    /** The latest pipeline run, as ops.pipeline_runs holds it; null before any. */
    public record LastRun(String runId, String runDates, String status, Instant endedAt, double seconds,
                          String report) {
    }

    private final SparkSession spark;
    private final PipelineSpec spec;
    private final LakePaths lake;
    private final Clock clock;

    public LakeStatus(SparkSession spark, PipelineSpec spec, Clock clock) {
        this.spark = spark;
        this.spec = spec;
        this.lake = new LakePaths(spec.storage().lakeRoot());
        this.clock = clock;
    }

    /** The latest pipeline run and the tables. */
    public record Report(Optional<LastRun> lastRun, List<Line> lines) {
    }

    private java.util.concurrent.CompletableFuture<List<Row>> ledger;
    private java.util.concurrent.CompletableFuture<Map<String, String>> quality;

    /**
     * Reads the three ops tables side by side: in a fresh JVM each first query costs seconds of
     * planning and code generation, which overlap on two cores.
     */
    public Report read() {
        var executor = java.util.concurrent.Executors.newFixedThreadPool(3);
        try {
            var last = java.util.concurrent.CompletableFuture.supplyAsync(this::lastRun, executor);
            ledger = java.util.concurrent.CompletableFuture.supplyAsync(this::ledger, executor);
            quality = java.util.concurrent.CompletableFuture.supplyAsync(this::lastQuality, executor);
            List<Line> lines = lines();
            return new Report(last.join(), lines);
        } finally {
            executor.shutdown();
        }
    }

    private Optional<LastRun> lastRun() {
        return PipelineRuns.table(spark, lake).read().flatMap(d -> d.where(col("pipeline").equalTo(spec.name()))
                .orderBy(col("started_at").desc()).limit(1).collectAsList().stream().findFirst()).map(r -> new LastRun(
                r.getAs("run_id"), r.getAs("run_dates"), r.getAs("status"), r.<Timestamp>getAs("ended_at").toInstant(),
                r.getAs("seconds"), r.getAs("report")));
    }

    private List<Line> lines() {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        List<Row> ledger = this.ledger.join();
        Map<String, String> quality = this.quality.join();
        Freshness freshness = new Freshness(clock);
        List<Line> lines = new ArrayList<>();
        for (TableSpec t : spec.tables().values()) {
            Map<String, Long> rows = new LinkedHashMap<>();
            rowCount(hadoop, TableRef.bronze(t.name())).ifPresent(n -> rows.put("bronze", n));
            rowCount(hadoop, TableRef.silver(t.name())).ifPresent(n -> rows.put("silver", n));
            Optional<Freshness.Result> fresh = t.freshness().declared()
                    ? Optional.of(freshness.check(t, hadoop, lake, spark)) : Optional.empty();
            lines.add(line(t.name(), ledger, List.of(t.name(), TableRef.silver(t.name()).toString(),
                    TableRef.bronze(t.name()).toString()), rows, fresh,
                    quality.getOrDefault(TableRef.silver(t.name()).toString(), ""), rates(ledger, t.name())));
        }
        for (String model : spec.gold().keySet()) {
            Map<String, Long> rows = new LinkedHashMap<>();
            rowCount(hadoop, TableRef.gold(model)).ifPresent(n -> rows.put("gold", n));
            lines.add(line(TableRef.gold(model).toString(), ledger, List.of(model, TableRef.gold(model).toString()),
                    rows, Optional.empty(), quality.getOrDefault(TableRef.gold(model).toString(), ""), List.of()));
        }
        return lines;
    }

    private static Line line(String table, List<Row> ledger, List<String> names, Map<String, Long> rows,
                             Optional<Freshness.Result> fresh, String quality, List<Double> rates) {
        // The ledger is newest first: the first build run naming the table is its last run; maintain
        // and quality touch every table and have columns of their own.
        Row last = ledger.stream().filter(r -> names.contains(r.getString(1))
                && !List.of("maintain", "quality").contains(r.getString(0))).findFirst().orElse(null);
        return new Line(table, last == null ? "" : last.getString(0), last == null ? "never run" : last.getString(2),
                last == null ? null : Optional.ofNullable(last.getTimestamp(4)).orElse(last.getTimestamp(3))
                        .toInstant(), rows, fresh, quality, rates);
    }

    /** job, table_name, status, started_at, ended_at, rows_read, rows_quarantined; newest first. */
    private List<Row> ledger() {
        String path = lake.ops(RunLedger.TABLE);
        if (DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), path) < 0) {
            return List.of();
        }
        List<Row> rows = new ArrayList<>(spark.read().format("delta").load(path).select("job", "table_name", "status",
                "started_at", "ended_at", "rows_read", "rows_quarantined").collectAsList());
        rows.sort((a, b) -> b.getTimestamp(3).compareTo(a.getTimestamp(3)));
        return rows;
    }

    private static List<Double> rates(List<Row> ledger, String table) {
        List<Double> rates = new ArrayList<>();
        for (Row r : ledger) {
            if (r.getString(0).equals("silver") && r.getString(1).equals(table) && !r.isNullAt(5) && r.getLong(5) > 0
                    && rates.size() < TREND_RUNS) {
                rates.add(0, r.isNullAt(6) ? 0.0 : (double) r.getLong(6) / r.getLong(5));
            }
        }
        return rates;
    }

    /** Per table, its latest quality run's outcome. */
    private Map<String, String> lastQuality() {
        Map<String, String> outcome = new HashMap<>();
        Optional<Dataset<Row>> results = io.medallion.lake.OpsTable.in(spark, lake, QualityResults.RESULTS, null).read();
        if (results.isEmpty()) {
            return outcome;
        }
        Map<String, Timestamp> latest = new HashMap<>();
        for (Row r : results.get().groupBy("table_name", "run_id").agg(max("checked_at").as("at"),
                count(lit(1)).as("checks"),
                sum(when(col("status").equalTo("failed").and(col("severity").equalTo("error")), 1).otherwise(0)),
                sum(when(col("status").equalTo("failed").and(col("severity").equalTo("warning")), 1).otherwise(0)))
                .collectAsList()) {
            String table = r.getString(0);
            Timestamp at = r.getTimestamp(2);
            if (latest.containsKey(table) && latest.get(table).after(at)) {
                continue;
            }
            latest.put(table, at);
            long errors = r.getLong(4);
            long warnings = r.getLong(5);
            outcome.put(table, errors == 0 && warnings == 0 ? "passed (" + r.getLong(3) + ")"
                    : errors + " error(s), " + warnings + " warning(s) of " + r.getLong(3));
        }
        return outcome;
    }

    private Optional<Long> rowCount(Configuration hadoop, TableRef table) {
        String path = lake.path(table);
        if (DeltaLogFiles.latestVersion(hadoop, path) < 0) {
            return Optional.empty();
        }
        java.util.OptionalLong fromLog = DeltaLogFiles.rowCountFromChecksum(hadoop, path);
        // Otherwise Delta answers count(*) from the log's per-file statistics, without reading a data
        // file, but a query per table costs a second or more in a fresh JVM.
        return Optional.of(fromLog.isPresent() ? fromLog.getAsLong() : spark.read().format("delta").load(path).count());
    }
}
