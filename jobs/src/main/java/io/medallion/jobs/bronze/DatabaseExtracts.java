package io.medallion.jobs.bronze;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medallion.lake.LakePaths;
import io.medallion.lake.OpsTable;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.extracts}: every extract bronze took from a database, the sibling of
 * {@code ops.ingested_files}. A row says which rows it took (the watermark range and the cutoff),
 * how many, and their checksum. It is written after the extract's bronze append, in the run's one
 * record commit: the next extract starts above the last recorded high-water mark, and an append
 * that never got its record is rolled back, so a crash in between re-reads the same rows once.
 */
public final class DatabaseExtracts {
    public static final String TABLE = "extracts";
    private static final ObjectMapper JSON = new ObjectMapper();

    static final StructType SCHEMA = StructType.fromDDL(
            "table_name STRING NOT NULL, source STRING NOT NULL, mode STRING NOT NULL, "
            + "watermark_columns STRING, watermark_from STRING, watermark_to STRING, cutoff TIMESTAMP, "
            + "rows BIGINT NOT NULL, checksum STRING NOT NULL, run_id STRING NOT NULL, extracted_at TIMESTAMP NOT NULL");

    private final OpsTable table;

    public DatabaseExtracts(SparkSession spark, LakePaths lake) {
        this.table = OpsTable.in(spark, lake, TABLE, SCHEMA);
    }

    /**
     * What the extracts so far of one table say: the runs they recorded, the latest high-water
     * mark, and the newest extract's run (a snapshot's current table).
     */
    public record History(Set<String> runIds, List<String> highWaterMark, String latestRunId) {
        public static final History NONE = new History(Set.of(), null, null);
    }

    /** Per table: the runs recorded and the high-water mark of the latest extract that had one. */
    public Map<String, History> byTable() {
        Map<String, History> histories = new HashMap<>();
        Optional<Dataset<Row>> recorded = table.read();
        if (recorded.isEmpty()) {
            return histories;
        }
        Map<String, Set<String>> runs = new HashMap<>();
        Map<String, Row> latest = new HashMap<>();
        Map<String, String> newest = new HashMap<>();
        for (Row r : recorded.get().select("table_name", "run_id", "watermark_to", "extracted_at")
                .orderBy(functions.col("extracted_at")).collectAsList()) {
            runs.computeIfAbsent(r.getString(0), t -> new HashSet<>()).add(r.getString(1));
            newest.put(r.getString(0), r.getString(1));
            if (!r.isNullAt(2)) {
                latest.put(r.getString(0), r);
            }
        }
        runs.forEach((t, ids) -> histories.put(t, new History(ids,
                latest.containsKey(t) ? fromJson(latest.get(t).getString(2)) : null, newest.get(t))));
        return histories;
    }

    /** Per table, the runs whose extracts put rows in bronze: the rows that are complete and final. */
    public Map<String, Set<String>> runIdsByTable() {
        Map<String, Set<String>> runs = new HashMap<>();
        table.read().ifPresent(rows -> rows.where("rows > 0").select("table_name", "run_id").distinct().collectAsList()
                .forEach(r -> runs.computeIfAbsent(r.getString(0), t -> new HashSet<>()).add(r.getString(1))));
        return runs;
    }

    /** Records the extracts in one commit. */
    void record(List<Row> rows) {
        table.append(rows);
    }

    static String toJson(List<String> values) {
        try {
            return values == null ? null : JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> fromJson(String text) {
        try {
            return JSON.readValue(text, new TypeReference<List<String>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("ops.extracts holds a watermark that is not a JSON list: " + text, e);
        }
    }
}
