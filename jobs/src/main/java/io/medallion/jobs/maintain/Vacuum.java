package io.medallion.jobs.maintain;

import io.medallion.config.MaintenanceSpec;
import io.medallion.lake.DeltaLogFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * VACUUM with the table's retention: a dry run first lists the files it will delete, so the
 * ledger can say how many and how many bytes, then the real run deletes them. A table created
 * less than the retention ago is left alone: every file in it is younger than that, so VACUUM
 * could delete nothing (only empty folders), and its listing is most of a healthy table's upkeep.
 */
final class Vacuum {
    private static final Logger LOG = LoggerFactory.getLogger(Vacuum.class);

    private Vacuum() {
    }

    record Result(long files, long bytes) {
    }

    static Result run(SparkSession session, String path, MaintenanceSpec spec, boolean dryRun) {
        Configuration hadoop = session.sparkContext().hadoopConfiguration();
        Instant horizon = Instant.now().minus(Duration.ofHours(spec.vacuumRetentionHours()));
        Optional<Instant> created = DeltaLogFiles.createdAt(hadoop, path);
        if (created.isPresent() && created.get().isAfter(horizon)) {
            LOG.info("{}: created {}, less than the VACUUM retention of {} h ago; nothing to vacuum", path,
                    created.get(), spec.vacuumRetentionHours());
            return new Result(0, 0);
        }
        if (spec.vacuumBelowSafetyMinimum()) {
            // The spec allowed it on purpose (checked at load); Delta would refuse otherwise.
            session.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
        }
        String statement = "VACUUM delta.`" + path + "` RETAIN " + spec.vacuumRetentionHours() + " HOURS";
        List<Row> files = session.sql(statement + " DRY RUN").collectAsList();
        long bytes = 0;
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
