package io.medallion.jobs.archive;

import static org.apache.spark.sql.functions.col;

import io.medallion.lake.LakePaths;
import io.medallion.lake.OpsTable;
import io.medallion.lake.TableRef;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.archive_manifest}: what each table's archive holds, one row per archive or restore
 * run and table: the partitions (values of the retention column) it moved, its rows and bytes, the
 * table version, the cutoff or the restore's condition, and the archive's location. An archive
 * run is recorded once its rows are gone from the table; until then the archive's own log says
 * what it copied, and the next maintain finishes it.
 */
public final class ArchiveManifest {
    public static final String TABLE = "archive_manifest";
    public static final String ARCHIVE = "archive";
    public static final String RESTORE = "restore";

    static final StructType SCHEMA = StructType.fromDDL(
            "table_name STRING NOT NULL, action STRING NOT NULL, run_id STRING NOT NULL, "
            + "recorded_at TIMESTAMP NOT NULL, table_version BIGINT NOT NULL, cutoff DATE, `where` STRING, "
            + "partition_column STRING NOT NULL, partitions ARRAY<STRING> NOT NULL, rows BIGINT NOT NULL, "
            + "bytes BIGINT NOT NULL, location STRING NOT NULL");

    private final OpsTable table;

    public ArchiveManifest(SparkSession spark, LakePaths lake) {
        this.table = OpsTable.in(spark, lake, TABLE, SCHEMA);
    }

    /** Every recorded run; empty before the first. */
    public java.util.Optional<Dataset<Row>> read() {
        return table.read();
    }

    /** The runs of {@code action} recorded for the table. */
    Set<String> runIds(TableRef ref, String action) {
        Set<String> ids = new HashSet<>();
        table.read().ifPresent(rows -> rows.where(col("table_name").equalTo(ref.toString())
                        .and(col("action").equalTo(action))).select("run_id").collectAsList()
                .forEach(r -> ids.add(r.getString(0))));
        return ids;
    }

    /** An archive run's row: rows before {@code cutoff} moved out of table version {@code tableVersion}. */
    static Row archived(TableRef ref, ArchiveTable.Run run, Instant at, String partitionColumn, List<String> partitions,
                        String location) {
        return RowFactory.create(ref.toString(), ARCHIVE, run.runId(), Timestamp.from(at), run.tableVersion(),
                Date.valueOf(run.cutoff()), null, partitionColumn, partitions.toArray(new String[0]), run.rows(),
                run.bytes(), location);
    }

    /** A restore run's row: rows matching {@code where} copied back into table version {@code tableVersion}. */
    static Row restored(TableRef ref, String runId, Instant at, long tableVersion, String where, String partitionColumn,
                        List<String> partitions, long rows, long bytes, String location) {
        return RowFactory.create(ref.toString(), RESTORE, runId, Timestamp.from(at), tableVersion, null,
                where, partitionColumn, partitions.toArray(new String[0]), rows, bytes, location);
    }

    void append(List<Row> rows) {
        table.append(rows);
    }
}
