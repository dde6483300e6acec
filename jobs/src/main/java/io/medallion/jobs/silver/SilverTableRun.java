package io.medallion.jobs.silver;

import io.medallion.config.TableSpec;
import io.medallion.lake.TableRef;
import io.medallion.run.JobContext;
import io.medallion.run.TableOutcome;
import io.medallion.run.TableStatus;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * What applying one table's new bronze rows needs, for the SCD1 and the change-feed applier alike:
 * the run, the table, the bronze ingest runs still to apply, where its silver, quarantine and
 * history tables live, and the properties a new silver table is created with.
 *
 * @param pending the bronze ingest runs recorded but not yet applied to this table
 */
record SilverTableRun(JobContext context, TableSpec table, Set<String> pending, PiiProtection pii,
                      String bronzePath, String silverPath, String quarantinePath, String historyPath,
                      Map<String, String> properties) {
    SilverTableRun {
        pending = Set.copyOf(pending);
        properties = Map.copyOf(properties);
    }

    static SilverTableRun of(JobContext context, TableSpec table, Set<String> pending) {
        TableRef silver = TableRef.silver(table.name());
        return new SilverTableRun(context, table, pending, new PiiProtection(context.spec()),
                context.lake().path(TableRef.bronze(table.name())), context.lake().path(silver),
                context.lake().path(silver.quarantine()), context.lake().path(silver.history()),
                context.spec().maintenance(silver).tableProperties());
    }

    SparkSession spark() {
        return context.spark();
    }

    String runId() {
        return context.runId();
    }

    /** Exit 3 when a fail rule was broken or too large a share of the rows was quarantined. */
    void qualityGate(TableOutcome.Builder outcome, long failing, double rate) {
        if (failing > 0) {
            outcome.status(TableStatus.QUALITY_FAILED)
                    .message(failing + " row(s) broke a rule whose action is fail; they are in quarantine");
        } else if (rate > table.maxQuarantineRate()) {
            outcome.status(TableStatus.QUALITY_FAILED).message(String.format(
                    "quarantined %.2f %% of the rows read, above the table's quarantine.max_rate of %.2f %%",
                    rate * 100, table.maxQuarantineRate() * 100));
        }
    }
}
