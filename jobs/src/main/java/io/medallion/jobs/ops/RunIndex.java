package io.medallion.jobs.ops;

import static io.medallion.jobs.ops.Html.esc;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.when;

import io.medallion.lake.LakePaths;
import io.medallion.run.RunLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * The index of run reports: every pipeline run, newest first, linked to its page, and charts of
 * the history over the run dates from {@code ops.runs}: rows written per layer, each stage's
 * duration and silver's quarantine rate. A date run more than once counts its latest run.
 */
public final class RunIndex {
    private static final int LISTED = 200;

    private RunIndex() {
    }

    static String html(SparkSession spark, LakePaths lake, String pipeline) {
        StringBuilder h = Html.page("Runs of " + pipeline, "");
        h.append("<h1>Runs of ").append(esc(pipeline)).append("</h1>\n<div class=\"meta\">from ops.pipeline_runs and "
                + "ops.runs</div>\n");
        Dataset<Row> ledger = spark.read().format("delta").load(lake.ops(RunLedger.TABLE))
                .where(col("status").notEqual("running"));
        Column stage = when(col("job").equalTo("quality"), concat(split(col("table_name"), "\\.").getItem(0),
                lit(" quality"))).otherwise(col("job"));
        // The latest run of each stage and table per run date: a rerun replaces a failed attempt. A few
        // rows per table and date, so they are collected once and charted here, not by a job per chart.
        List<Row> latest = ledger.withColumn("stage", stage).withColumn("n", row_number().over(Window
                .partitionBy(col("stage"), col("table_name"), col("run_date")).orderBy(desc("started_at"))))
                .where(col("n").equalTo(1)).select(col("stage"), col("job"), col("run_date").cast("string"),
                        col("run_id"), col("rows_read"), col("rows_written"), col("rows_quarantined"),
                        col("ended_at").cast("double").minus(col("started_at").cast("double")))
                .orderBy("run_date").collectAsList();
        h.append("<section class=\"card\"><h2>Rows written per run date</h2><div class=\"charts\">");
        for (String layer : List.of("bronze", "silver", "gold")) {
            h.append(Html.chart(layer + " rows written", series(latest, r -> r.getString(1).equals(layer),
                    r -> value(r, 5), Double::sum)));
        }
        h.append("</div></section>\n<section class=\"card\"><h2>Quarantine rate per run date</h2>"
                + "<div class=\"charts\">");
        List<Html.Point> read = series(latest, r -> r.getString(1).equals("silver"), r -> value(r, 4), Double::sum);
        List<Html.Point> kept = series(latest, r -> r.getString(1).equals("silver"), r -> value(r, 6), Double::sum);
        List<Html.Point> rate = new ArrayList<>();
        for (int i = 0; i < read.size(); i++) {
            rate.add(new Html.Point(read.get(i).x(), read.get(i).value() == 0 ? 0 : kept.get(i).value()
                    / read.get(i).value()));
        }
        h.append(Html.chart("silver quarantine rate", rate));
        h.append("</div></section>\n<section class=\"card\"><h2>Seconds per stage and run date</h2>"
                + "<div class=\"charts\">");
        for (String s : latest.stream().map(r -> r.getString(0)).distinct().sorted().toList()) {
            // A stage's tables share its run: its seconds are the longest row's, not their sum.
            h.append(Html.chart(s + " seconds", series(latest, r -> r.getString(0).equals(s), r -> value(r, 7),
                    Math::max)));
        }
        h.append("</div></section>\n");
        h.append("<section class=\"card\"><h2>Runs</h2><table><tr><th>started</th><th>run dates</th><th>status</th>"
                + "<th>seconds</th><th>bronze rows</th><th>silver rows</th><th>quarantined</th><th>gold rows</th>"
                + "<th>report</th></tr>\n");
        for (Row r : PipelineRuns.table(spark, lake).read().map(d -> d.where(col("pipeline").equalTo(pipeline))
                .orderBy(desc("started_at")).limit(LISTED).collectAsList()).orElse(List.of())) {
            String status = r.getAs("status");
            String css = status.equals("succeeded") ? "pass" : status.equals("failed") ? "fail" : "warn";
            h.append("<tr><td>").append(esc(r.getAs("started_at").toString())).append("</td><td>")
                    .append(esc(r.getAs("run_dates"))).append("</td><td class=\"").append(css).append("\">")
                    .append(esc(status)).append("</td><td class=\"num\">")
                    .append(String.format(Locale.ROOT, "%.1f", (double) r.getAs("seconds"))).append("</td>")
                    .append(cell(r, "bronze_rows_written")).append(cell(r, "silver_rows_written"))
                    .append(cell(r, "rows_quarantined")).append(cell(r, "gold_rows_written"))
                    .append("<td><a href=\"runs/").append(esc(r.getAs("run_id"))).append(".html\">")
                    .append(esc(r.getAs("run_id"))).append("</a></td></tr>\n");
        }
        return h.append("</table></section>\n</body></html>\n").toString();
    }

    private static String cell(Row r, String column) {
        Long v = r.getAs(column);
        return "<td class=\"num\">" + (v == null ? "" : String.format(Locale.ROOT, "%,d", v)) + "</td>";
    }

    private static double value(Row r, int i) {
        return r.isNullAt(i) ? 0 : ((Number) r.get(i)).doubleValue();
    }

    /** One value per run date, in date order: the rows {@code which} accepts, combined by {@code merge}. */
    private static List<Html.Point> series(List<Row> rows, java.util.function.Predicate<Row> which,
                                           java.util.function.ToDoubleFunction<Row> value,
                                           java.util.function.BinaryOperator<Double> merge) {
        Map<String, Double> byDate = new java.util.TreeMap<>();
        for (Row r : rows) {
            if (which.test(r)) {
                byDate.merge(r.getString(2), value.applyAsDouble(r), merge);
            }
        }
        List<Html.Point> points = new ArrayList<>();
        byDate.forEach((d, v) -> points.add(new Html.Point(d, v)));
        return points;
    }
}
