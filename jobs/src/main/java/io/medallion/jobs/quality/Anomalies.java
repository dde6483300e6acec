package io.medallion.jobs.quality;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.medallion.config.ConstraintSpec;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.run.JobContext;
import java.sql.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;

/**
 * Anomaly checks against the metrics history in {@code ops.quality_metrics}: a metric of this
 * run against its value on the latest earlier run date. Only earlier dates count, so a backfill
 * of an old date is compared with what came before it, not with what came after.
 */
final class Anomalies {
    private Anomalies() {
    }

    static ConstraintOutcome check(JobContext context, String table, ConstraintSpec spec, long rowCount,
                                   List<ConstraintOutcome> measured) {
        Optional<Double> value = spec.metric().equals(QualityResults.ROW_COUNT) ? Optional.of((double) rowCount)
                : measured.stream().filter(o -> o.spec().name().equals(spec.metric())).findFirst()
                        .map(ConstraintOutcome::metricValue);
        if (value.isEmpty()) {
            return new ConstraintOutcome(spec, false, null, "no metric '" + spec.metric() + "' on " + table
                    + "; name row_count or a constraint declared on the table");
        }
        List<Row> history = history(context, table, spec.metric());
        if (history.isEmpty()) {
            return new ConstraintOutcome(spec, true, value.get(), "");
        }
        List<Double> values = new ArrayList<>();
        history.forEach(r -> values.add(r.getDouble(1)));
        if (!DeequChecks.anomalous(values, value.get(), spec.maxDecrease(), spec.maxIncrease())) {
            return new ConstraintOutcome(spec, true, value.get(), "");
        }
        Row previous = history.get(history.size() - 1);
        double before = previous.getDouble(1);
        String change = before == 0 ? "from 0" : String.format("a change of %+.1f%%", (value.get() / before - 1) * 100);
        return new ConstraintOutcome(spec, false, value.get(), String.format("%s is %s against %s on %s: %s; allowed: "
                + "down %s, up %s", spec.metric(), number(value.get()), number(before), previous.getDate(0), change,
                spec.maxDecrease().isPresent() ? percent(spec.maxDecrease().getAsDouble()) : "any amount",
                spec.maxIncrease().isPresent() ? percent(spec.maxIncrease().getAsDouble()) : "any amount"));
    }

    /** The metric's value per earlier run date (the latest check of each date), oldest first. */
    private static List<Row> history(JobContext context, String table, String metric) {
        String path = context.lake().ops(QualityResults.METRICS);
        if (DeltaLogFiles.latestVersion(context.spark().sparkContext().hadoopConfiguration(), path) < 0) {
            return List.of();
        }
        return context.spark().read().format("delta").load(path)
                .where(col("table_name").equalTo(table).and(col("metric").equalTo(metric))
                        .and(col("run_date").lt(Date.valueOf(context.runDate()))))
                .groupBy("run_date").agg(expr("max_by(value, recorded_at)").as("value"))
                .orderBy("run_date").collectAsList();
    }

    private static String number(double v) {
        return v == Math.rint(v) ? String.format("%,.0f", v) : String.format("%,.4f", v);
    }

    private static String percent(double share) {
        return String.format("%.0f%%", share * 100);
    }
}
