package io.medallion.jobs.silver;

import io.medallion.lake.LakePaths;
import io.medallion.lake.OpsTable;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * {@code ops.silver_progress}: which bronze ingest runs silver has applied, per table. Silver
 * reads exactly the bronze rows of recorded ingest runs it has not applied yet, so a rerun
 * processes nothing twice and a crashed run's input is picked up by the next run.
 */
final class SilverProgress {
    static final String TABLE = "silver_progress";

    static final StructType SCHEMA = StructType.fromDDL(
            "table_name STRING NOT NULL, bronze_run_id STRING NOT NULL, silver_run_id STRING NOT NULL, "
            + "applied_at TIMESTAMP NOT NULL");

    private final OpsTable table;

    SilverProgress(SparkSession spark, LakePaths lake) {
        this.table = OpsTable.in(spark, lake, TABLE, SCHEMA);
    }

    Map<String, Set<String>> applied() {
        Map<String, Set<String>> applied = new HashMap<>();
        table.read().ifPresent(rows -> rows.select("table_name", "bronze_run_id").collectAsList()
                .forEach(r -> applied.computeIfAbsent(r.getString(0), t -> new HashSet<>()).add(r.getString(1))));
        return applied;
    }

    /** Records, in one commit, the bronze runs each table has applied; nothing when there are none. */
    void record(Map<String, Set<String>> bronzeRunIdsByTable, String silverRunId) {
        List<Row> rows = new ArrayList<>();
        Timestamp now = Timestamp.from(Instant.now());
        bronzeRunIdsByTable.forEach((table, ids) -> ids.forEach(id -> rows.add(RowFactory.create(table, id,
                silverRunId, now))));
        table.append(rows);
    }
}
