package io.medallion.jobs.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.sum;

import io.delta.tables.DeltaTable;
import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.lake.LakePaths;
import io.medallion.run.RunLedger;
import java.io.PrintWriter;
import java.util.HashMap;
import java.util.Map;
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
            out.printf("  %-12s %10s %10s %12s %12s%n", t.name(), count(lake.bronze(t.name())),
                    count(lake.table(LakePaths.SILVER, t.name())),
                    count(lake.table(LakePaths.SILVER, "_quarantine_" + t.name())),
                    duplicates.getOrDefault(t.name(), 0L));
        }
        out.println("  (duplicates: copies and replays of a key, and change events superseded by newer ones)");

        out.println();
        out.println("Quarantined rows by rule");
        for (TableSpec t : spec.tables().values()) {
            Dataset<Row> q = read(lake.table(LakePaths.SILVER, "_quarantine_" + t.name()));
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
                count(lake.table(LakePaths.GOLD, name)), model.description()));

        out.println();
        out.println("The lake is at " + lake.root());
        out.println("Query it with Spark SQL, tables named by layer:");
        out.println("  deploy/bin/medallion sql \"SELECT nation, SUM(revenue) AS revenue FROM gold.revenue_by_nation_month"
                + " GROUP BY nation ORDER BY revenue DESC LIMIT 5\"");
        out.println("  deploy/bin/medallion sql \"SELECT job, table_name, status, rows_read, rows_quarantined FROM ops.runs\"");
    }

    private Dataset<Row> read(String path) {
        return DeltaTable.isDeltaTable(spark, path) ? spark.read().format("delta").load(path) : null;
    }

    private String count(String path) {
        Dataset<Row> table = read(path);
        return table == null ? "-" : String.format("%,d", table.count());
    }
}
