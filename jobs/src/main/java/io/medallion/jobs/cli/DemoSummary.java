package io.medallion.jobs.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;

import io.delta.tables.DeltaTable;
import io.medallion.config.PipelineSpec;
import io.medallion.lake.TableRef;
import io.medallion.config.TableSpec;
import io.medallion.jobs.quality.QualityReports;
import io.medallion.jobs.quality.QualityResults;
import io.medallion.lake.LakePaths;
import io.medallion.run.RunLedger;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** What the demo left in the lake, for a person to read. */
final class DemoSummary {
    private final SparkSession spark;
    private final PipelineSpec spec;
    private final LakePaths lake;

    DemoSummary(SparkSession spark, PipelineSpec spec, LakePaths lake) {
        this.spark = spark;
        this.spec = spec;
        this.lake = lake;
    }

    void print(PrintWriter out) {
        Map<String, String> counts = countRows();
        Map<String, Long> duplicates = new HashMap<>();
        Dataset<Row> runs = read(lake.ops(RunLedger.TABLE));
        if (runs != null) {
            for (Row r : runs.where(col("job").equalTo("silver")).groupBy("table_name")
                    .agg(sum("duplicates_dropped")).collectAsList()) {
                duplicates.put(r.getString(0), r.isNullAt(1) ? 0 : r.getLong(1));
            }
        }
        out.println();
        out.println("Rows per layer and table");
        out.printf("  %-12s %10s %10s %12s %12s%n", "table", "bronze", "silver", "quarantined", "duplicates");
        for (TableSpec t : spec.tables().values()) {
            out.printf("  %-12s %10s %10s %12s %12s%n", t.name(), counts.get(lake.path(TableRef.bronze(t.name()))),
                    counts.get(lake.path(TableRef.silver(t.name()))),
                    counts.get(lake.path(TableRef.silver(t.name()).quarantine())),
                    duplicates.getOrDefault(t.name(), 0L));
        }
        out.println("  (duplicates: copies and replays of a key, and change events superseded by newer ones)");

        out.println();
        out.println("Quarantined rows by rule");
        for (TableSpec t : spec.tables().values()) {
            Dataset<Row> q = read(lake.path(TableRef.silver(t.name()).quarantine()));
            if (q == null) {
                continue;
            }
            for (Row r : q.select(explode(col("rules")).as("rule")).groupBy("rule").count().orderBy("rule")
                    .collectAsList()) {
                out.printf("  %-12s %-28s %8d%n", t.name(), r.getString(0), r.getLong(1));
            }
        }

        out.println();
        out.println("Gold tables");
        spec.gold().forEach((name, model) -> out.printf("  gold.%-28s %10s rows   %s%n", name,
                counts.get(lake.path(TableRef.gold(name))), model.description()));

        printQuality(out);
        io.medallion.jobs.ops.PipelineRuns.table(spark, lake).read().ifPresent(pipelineRuns -> {
            Row last = pipelineRuns.orderBy(col("started_at").desc()).select("report").first();
            out.println();
            out.println("Run report: " + last.getString(0));
            out.println("  (every run of the pipeline writes one; index.html beside runs/ charts their history)");
        });

        out.println();
        out.println("The lake is at " + lake.root());
        out.println("Query it with Spark SQL, tables named by layer:");
        out.println("  deploy/bin/medallion sql \"SELECT nation, SUM(revenue) AS revenue FROM gold.revenue_by_nation_month"
                + " GROUP BY nation ORDER BY revenue DESC LIMIT 5\"");
        out.println("  deploy/bin/medallion sql \"SELECT job, table_name, status, rows_read, rows_quarantined FROM ops.runs\"");
        out.println("See the state of every table: deploy/bin/medallion status");
    }

    /** The last run date's quality checks: counts per table, every failure, and the reports. */
    private void printQuality(PrintWriter out) {
        Dataset<Row> results = read(lake.ops(QualityResults.RESULTS));
        if (results == null) {
            return;
        }
        Row last = results.agg(max("run_date")).first();
        Dataset<Row> day = results.where(col("run_date").equalTo(last.get(0)));
        // A table checked twice that day (a rerun) is shown as its latest run.
        Dataset<Row> latestRuns = day.groupBy("table_name").agg(expr("max_by(run_id, checked_at)").as("run_id"));
        List<Row> rows = day.join(latestRuns, day.col("table_name").equalTo(latestRuns.col("table_name"))
                        .and(day.col("run_id").equalTo(latestRuns.col("run_id"))), "left_semi")
                .orderBy("table_name", "constraint_name").collectAsList();
        long failed = rows.stream().filter(r -> r.getAs("status").equals("failed")).count();
        out.println();
        out.printf("Quality checks on %s: %d constraint(s) on %d table(s), %d failed%n", last.get(0), rows.size(),
                rows.stream().map(r -> r.getAs("table_name")).distinct().count(), failed);
        for (Row r : rows) {
            if (r.getAs("status").equals("failed")) {
                out.printf("  %-28s %-34s %-8s %s%n", r.<String>getAs("table_name"), r.<String>getAs("constraint_name"),
                        r.<String>getAs("severity"), r.<String>getAs("message"));
            }
        }
        for (String report : QualityReports.list(spark, lake.ops(QualityReports.FOLDER) + "/" + last.get(0))) {
            out.println("  Report: " + report);
        }
    }

    private Dataset<Row> read(String path) {
        return DeltaTable.isDeltaTable(spark, path) ? spark.read().format("delta").load(path) : null;
    }

    /** The row count of every table the summary shows, by path, counted side by side: they are small and many. */
    private Map<String, String> countRows() {
        List<String> paths = new ArrayList<>();
        for (TableSpec t : spec.tables().values()) {
            paths.addAll(List.of(lake.path(TableRef.bronze(t.name())), lake.path(TableRef.silver(t.name())),
                    lake.path(TableRef.silver(t.name()).quarantine())));
        }
        spec.gold().keySet().forEach(name -> paths.add(lake.path(TableRef.gold(name))));
        // Threads of our own, not the common pool: they inherit this thread's class loader, which
        // finds Delta under spark-submit too.
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Map<String, CompletableFuture<String>> counts = new LinkedHashMap<>();
            paths.forEach(p -> counts.put(p, CompletableFuture.supplyAsync(() -> {
                Dataset<Row> table = read(p);
                return table == null ? "-" : String.format("%,d", table.count());
            }, threads)));
            Map<String, String> done = new HashMap<>();
            counts.forEach((p, c) -> done.put(p, c.join()));
            return done;
        } finally {
            threads.shutdown();
        }
    }
}
