package io.medallion.jobs.quality;

import io.medallion.lake.OpsTable;
import io.medallion.run.JobContext;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * The two ops tables a quality run appends to. {@code ops.quality_results}: one row per
 * constraint checked, with its status and message. {@code ops.quality_metrics}: the metrics
 * history, Deequ's measured value of every constraint and each table's row count per run date,
 * which anomaly checks and the report's charts read.
 */
public final class QualityResults {
    public static final String RESULTS = "quality_results";
    public static final String METRICS = "quality_metrics";
    /** The metric under which each table's row count is recorded. */
    static final String ROW_COUNT = "row_count";
    /** The constraint name and kind under which freshness is recorded. */
    public static final String FRESHNESS = "freshness";

    static final StructType RESULTS_SCHEMA = StructType.fromDDL(
            "run_id STRING NOT NULL, run_date DATE NOT NULL, table_name STRING NOT NULL, "
            + "constraint_name STRING NOT NULL, kind STRING NOT NULL, severity STRING NOT NULL, "
            + "status STRING NOT NULL, metric_value DOUBLE, message STRING, checked_at TIMESTAMP NOT NULL");

    static final StructType METRICS_SCHEMA = StructType.fromDDL(
            "run_id STRING NOT NULL, run_date DATE NOT NULL, table_name STRING NOT NULL, "
            + "metric STRING NOT NULL, value DOUBLE NOT NULL, recorded_at TIMESTAMP NOT NULL");

    private QualityResults() {
    }

    static OpsTable results(JobContext context) {
        return OpsTable.in(context.spark(), context.lake(), RESULTS, RESULTS_SCHEMA);
    }

    static OpsTable metrics(JobContext context) {
        return OpsTable.in(context.spark(), context.lake(), METRICS, METRICS_SCHEMA);
    }

    /** The result rows for one table: each constraint's outcome. */
    static List<Row> results(JobContext context, String table, List<ConstraintOutcome> outcomes) {
        Date runDate = Date.valueOf(context.runDate());
        Timestamp now = Timestamp.from(Instant.now());
        List<Row> rows = new ArrayList<>();
        for (ConstraintOutcome o : outcomes) {
            rows.add(RowFactory.create(context.runId(), runDate, table, o.spec().name(), o.spec().kind().specName(),
                    o.spec().severity().specName(), o.passed() ? "passed" : "failed", o.metricValue(),
                    o.message().isEmpty() ? null : o.message(), now));
        }
        return rows;
    }

    /**
     * The result row of a table's freshness, recorded like a constraint named {@code freshness}: its
     * severity is the threshold crossed (or the strictest declared when none was), its value the
     * data's age in hours.
     */
    static Row freshness(JobContext context, String table, Freshness.Result r) {
        String severity = switch (r.status()) {
            case WARNING -> "warning";
            case ERROR -> "error";
            case FRESH -> r.spec().errorAfter().isPresent() ? "error" : "warning";
        };
        return RowFactory.create(context.runId(), Date.valueOf(context.runDate()), table, FRESHNESS, FRESHNESS,
                severity, r.status() == Freshness.Status.FRESH ? "passed" : "failed", r.ageHours(),
                r.status() == Freshness.Status.FRESH ? null : r.message(), Timestamp.from(r.checkedAt()));
    }

    /** The metric rows for one table: its row count, then every measured constraint value. */
    static List<Row> metrics(JobContext context, String table, long rowCount, List<ConstraintOutcome> outcomes) {
        Date runDate = Date.valueOf(context.runDate());
        Timestamp now = Timestamp.from(Instant.now());
        List<Row> rows = new ArrayList<>();
        rows.add(RowFactory.create(context.runId(), runDate, table, ROW_COUNT, (double) rowCount, now));
        for (ConstraintOutcome o : outcomes) {
            if (o.metricValue() != null) {
                rows.add(RowFactory.create(context.runId(), runDate, table, o.spec().name(), o.metricValue(), now));
            }
        }
        return rows;
    }
}
