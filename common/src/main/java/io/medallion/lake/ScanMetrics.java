package io.medallion.lake;

import org.apache.spark.sql.execution.FileSourceScanExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import io.medallion.interop.Scala;

/**
 * What the file scans of an executed query read, from Spark's scan metrics: the files left after
 * partition pruning and Delta's data skipping, so it shows what a layout (Z-order) saves.
 */
public record ScanMetrics(long files, long bytes) {
    /** The totals over every file scan of {@code plan}, which must have run. */
    public static ScanMetrics of(SparkPlan plan) {
        long[] totals = new long[2];
        add(plan, totals);
        return new ScanMetrics(totals[0], totals[1]);
    }

    private static void add(SparkPlan plan, long[] totals) {
        if (plan instanceof FileSourceScanExec scan) {
            totals[0] += value(scan, "numFiles");
            totals[1] += value(scan, "filesSize");
        } else if (plan instanceof AdaptiveSparkPlanExec adaptive) {
            add(adaptive.executedPlan(), totals);
        } else if (plan instanceof QueryStageExec stage) {
            add(stage.plan(), totals);
        }
        for (SparkPlan child : Scala.list(plan.children())) {
            add(child, totals);
        }
    }

    private static long value(FileSourceScanExec scan, String metric) {
        return Scala.optional(scan.metrics().get(metric)).map(SQLMetric::value).orElse(0L);
    }
}
