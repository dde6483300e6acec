package io.medallion.jobs.bronze;

import io.medallion.lake.LakePaths;
import io.medallion.lake.OpsTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.ingested_files}: every landing file bronze has taken in, with its fingerprint, so a
 * file is ingested exactly once and a file changed after ingestion is caught.
 */
public final class IngestedFiles {
    public static final String TABLE = "ingested_files";

    static final StructType SCHEMA = StructType.fromDDL(
            "table_name STRING NOT NULL, file STRING NOT NULL, batch_date DATE NOT NULL, "
            + "size_bytes BIGINT NOT NULL, modified_at TIMESTAMP NOT NULL, sha256 STRING NOT NULL, "
            + "lines BIGINT NOT NULL, malformed_lines BIGINT NOT NULL, run_id STRING NOT NULL, "
            + "ingested_at TIMESTAMP NOT NULL");

    /** What was recorded for one file. */
    record Entry(String file, java.time.LocalDate batchDate, long size, long modifiedAt, String sha256, String runId,
                 java.sql.Timestamp ingestedAt) {
    }

    private final OpsTable table;

    public IngestedFiles(SparkSession spark, LakePaths lake) {
        this.table = OpsTable.in(spark, lake, TABLE, SCHEMA);
    }

    /** Every table's ingested files, by table and path: one read for the whole run. */
    Map<String, Map<String, Entry>> byTable() {
        Map<String, Map<String, Entry>> entries = new HashMap<>();
        Optional<Dataset<Row>> recorded = table.read();
        if (recorded.isEmpty()) {
            return entries;
        }
        List<Row> rows = recorded.get().select("table_name", "file", "size_bytes", "modified_at", "sha256", "run_id", "ingested_at",
                "batch_date").collectAsList();
        for (Row r : rows) {
            entries.computeIfAbsent(r.getString(0), t -> new HashMap<>()).put(r.getString(1), new Entry(
                    r.getString(1), r.getDate(7).toLocalDate(), r.getLong(2), r.getTimestamp(3).getTime(), r.getString(4), r.getString(5),
                    r.getTimestamp(6)));
        }
        return entries;
    }

    /** Per table, the ingest runs whose files are recorded: the bronze rows that are complete and final. */
    public Map<String, java.util.Set<String>> runIdsByTable() {
        Map<String, java.util.Set<String>> runs = new HashMap<>();
        table.read().ifPresent(rows -> rows.select("table_name", "run_id").distinct().collectAsList()
                .forEach(r -> runs.computeIfAbsent(r.getString(0), t -> new java.util.HashSet<>()).add(r.getString(1))));
        return runs;
    }

    /** Records the files in one commit, which creates the table on the first run. */
    void record(List<Row> rows) {
        table.append(rows);
    }
}
