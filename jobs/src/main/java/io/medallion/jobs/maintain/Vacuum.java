package io.medallion.jobs.maintain;

import io.medallion.config.MaintenanceSpec;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * VACUUM with the table's retention: a dry run first lists the files it will delete, so the
 * ledger can say how many and how many bytes, then the real run deletes them.
 */
final class Vacuum {
    private Vacuum() {
    }

    record Result(long files, long bytes) {
    }

    static Result run(SparkSession session, String path, MaintenanceSpec spec, boolean dryRun) {
        if (spec.vacuumBelowSafetyMinimum()) {
            // The spec allowed it on purpose (checked at load); Delta would refuse otherwise.
            session.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
        }
        String statement = "VACUUM delta.`" + path + "` RETAIN " + spec.vacuumRetentionHours() + " HOURS";
        List<Row> files = session.sql(statement + " DRY RUN").collectAsList();
        long bytes = 0;
        Configuration hadoop = session.sparkContext().hadoopConfiguration();
        for (Row r : files) {
            Path file = new Path(r.getString(0));
            try {
                bytes += file.getFileSystem(hadoop).getFileStatus(file).getLen();
            } catch (FileNotFoundException e) {
                // already gone; nothing to free
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the size of " + file, e);
            }
        }
        if (!dryRun && !files.isEmpty()) {
            session.sql(statement).collectAsList();
        }
        return new Result(files.size(), bytes);
    }
}
