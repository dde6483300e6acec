package io.medallion.jobs.reconcile;

import static org.apache.spark.sql.functions.approx_count_distinct;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.medallion.config.ColumnSpec;
import io.medallion.config.ColumnType;
import io.medallion.config.JdbcMode;
import io.medallion.config.TableSpec;
import io.medallion.interop.Scala;
import io.medallion.jobs.bronze.DatabaseExtracts;
import io.medallion.jobs.bronze.JdbcSource;
import io.medallion.jobs.silver.Cleaning;
import io.medallion.jobs.silver.KeyedApplier;
import io.medallion.lake.BronzeColumns;
import io.medallion.lake.Layer;
import io.medallion.lake.TableRef;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.storage.StorageLevel;

/**
 * Compares one database table with its bronze or silver table. Both sides are brought to the
 * form the lake stores: declared names and types, and for silver its cleaning and personal-data
 * protection, so that equal data compares equal. The database is read once (and kept); each side
 * is then aggregated in one pass, and hashed per key for a full outer join on the key.
 */
final class TableReconciler {
    private static final String HASH = "_row_hash";
    private static final String LAKE_HASH = "_lake_hash";
    private static final String KIND = "_difference";

    private final SparkSession spark;
    private final TableSpec table;
    private final TableRef ref;
    private final String lakePath;
    private final String salt;
    private final DatabaseExtracts.History history;

    TableReconciler(SparkSession spark, TableSpec table, TableRef ref, String lakePath, String salt,
                    DatabaseExtracts.History history) {
        this.spark = spark;
        this.table = table;
        this.ref = ref;
        this.lakePath = lakePath;
        this.salt = salt;
        this.history = history;
    }

    Reconciliation reconcile() throws SQLException {
        long start = System.nanoTime();
        JdbcSource source = new JdbcSource(table);
        Dataset<Row> sourceRows;
        Dataset<Row> lakeRows = lakeRows();
        long pending = 0;
        Dataset<Row> pendingKeys = null;
        try (Connection connection = source.connect()) {
            List<JdbcSource.Column> columns = source.describe(connection);
            String settled = "";
            boolean incremental = table.source().jdbc().mode() == JdbcMode.INCREMENTAL;
            if (incremental && history.highWaterMark() != null) {
                // A row whose watermark is null is never extracted: compared, so that it shows as missing.
                String above = "COALESCE(" + source.above(columns, history.highWaterMark()) + ", FALSE)";
                settled = " WHERE NOT " + above;
                pendingKeys = declared(source.read(spark, connection, source.extractSql(" WHERE " + above)))
                        .select(keyColumns()).persist(StorageLevel.MEMORY_AND_DISK());
                pending = pendingKeys.count();
                lakeRows = lakeRows.join(pendingKeys, Scala.seq(table.key()), "left_anti");
            }
            sourceRows = normalized(declared(source.read(spark, connection, source.extractSql(settled))))
                    .persist(StorageLevel.MEMORY_AND_DISK());
        }
        // The lake side is read twice, which a Delta scan does fast; the database is read once, so
        // that both comparisons see the same state of a table that may be changing.
        try {
            List<Aggregate> aggregates = aggregates();
            Row s = aggregate(sourceRows, aggregates);
            Row l = aggregate(lakeRows, aggregates);
            List<Reconciliation.ColumnDifference> differences = new ArrayList<>();
            for (int i = 1; i < aggregates.size(); i++) {
                Object a = s.get(i);
                Object b = l.get(i);
                if (!Objects.equals(a, b)) {
                    differences.add(new Reconciliation.ColumnDifference(aggregates.get(i).column(),
                            aggregates.get(i).name(), String.valueOf(a), String.valueOf(b)));
                }
            }
            Map<String, Long> counts = new HashMap<>();
            Map<String, List<String>> samples = new HashMap<>();
            compareKeys(sourceRows, lakeRows, counts, samples);
            return new Reconciliation(ref, table.source().jdbc().describe(),
                    table.source().jdbc().mode().name().toLowerCase(java.util.Locale.ROOT), s.getLong(0), l.getLong(0),
                    pending, counts.getOrDefault(Reconciliation.MISSING, 0L),
                    counts.getOrDefault(Reconciliation.EXTRA, 0L), counts.getOrDefault(Reconciliation.DIFFERENT, 0L),
                    aggregates.size() - 1, differences, samples, table.reconcile().maxDiscrepancy(),
                    (System.nanoTime() - start) / 1e9);
        } finally {
            sourceRows.unpersist();
            if (pendingKeys != null) {
                pendingKeys.unpersist();
            }
        }
    }

    /** The declared columns, by their declared names, in their declared types: as bronze stores an extract. */
    private Dataset<Row> declared(Dataset<Row> rows) {
        return rows.select(table.schema().stream().map(c -> col(c.name()).cast(c.type().sparkType()).as(c.name()))
                .toArray(Column[]::new));
    }

    /** The source rows as the compared layer holds them: bronze as extracted, silver cleaned and protected. */
    private Dataset<Row> normalized(Dataset<Row> rows) {
        if (ref.layer() == Layer.BRONZE) {
            return rows;
        }
        return Cleaning.protect(Cleaning.typed(rows, table), table, salt);
    }

    /**
     * The lake's side. Silver is the table itself. Bronze holds every extract: for a snapshot the
     * newest one is the table; for incremental extracts, each key's latest version.
     */
    private Dataset<Row> lakeRows() {
        Dataset<Row> lake = spark.read().format("delta").load(lakePath);
        if (ref.layer() == Layer.BRONZE) {
            Column recorded = col(BronzeColumns.INGEST_RUN_ID).isin(history.runIds().toArray());
            if (table.source().jdbc().mode() == JdbcMode.SNAPSHOT) {
                lake = lake.where(col(BronzeColumns.INGEST_RUN_ID).equalTo(lit(history.latestRunId())));
            } else {
                // Each key's latest version, chosen as silver chooses it.
                lake = KeyedApplier.latestPerKey(lake.where(recorded), table);
            }
        }
        return declared(lake);
    }

    private Column[] keyColumns() {
        return table.key().stream().map(k -> col(k)).toArray(Column[]::new);
    }

    /** One aggregate of one column; the first is the row count. */
    private record Aggregate(String column, String name, Column value) {
    }

    private List<Aggregate> aggregates() {
        List<Aggregate> all = new ArrayList<>(List.of(new Aggregate("*", "rows", count(lit(1)))));
        for (ColumnSpec c : table.schema()) {
            Column v = col(c.name());
            all.add(new Aggregate(c.name(), "non-null", count(v)));
            if (c.type().kind() != ColumnType.Kind.BOOLEAN) {
                all.add(new Aggregate(c.name(), "min", min(v)));
                all.add(new Aggregate(c.name(), "max", max(v)));
            }
            if (c.type().kind() == ColumnType.Kind.INT || c.type().kind() == ColumnType.Kind.BIGINT
                    || c.type().kind() == ColumnType.Kind.DECIMAL || c.type().kind() == ColumnType.Kind.DOUBLE) {
                all.add(new Aggregate(c.name(), "sum", sum(v)));
            }
            all.add(new Aggregate(c.name(), "approx distinct", approx_count_distinct(v)));
        }
        return all;
    }

    private static Row aggregate(Dataset<Row> rows, List<Aggregate> aggregates) {
        Column[] rest = aggregates.stream().skip(1).map(Aggregate::value).toArray(Column[]::new);
        return rows.agg(aggregates.get(0).value(), rest).first();
    }

    /**
     * Joins the sides' row hashes by key: a key only in the source is missing from the lake, one
     * only in the lake is extra, and one whose hashes differ is different.
     */
    private void compareKeys(Dataset<Row> sourceRows, Dataset<Row> lakeRows, Map<String, Long> counts,
                             Map<String, List<String>> samples) {
        Column[] all = table.schema().stream().map(c -> col(c.name())).toArray(Column[]::new);
        List<Column> sourceSide = new ArrayList<>(List.of(keyColumns()));
        sourceSide.add(xxhash64(all).as(HASH));
        List<Column> lakeSide = new ArrayList<>(List.of(keyColumns()));
        lakeSide.add(xxhash64(all).as(LAKE_HASH));
        Dataset<Row> differing = sourceRows.select(sourceSide.toArray(new Column[0]))
                .join(lakeRows.select(lakeSide.toArray(new Column[0])), Scala.seq(table.key()), "full_outer")
                .withColumn(KIND, when(col(LAKE_HASH).isNull(), lit(Reconciliation.MISSING))
                        .when(col(HASH).isNull(), lit(Reconciliation.EXTRA))
                        .when(col(HASH).notEqual(col(LAKE_HASH)), lit(Reconciliation.DIFFERENT)))
                .where(col(KIND).isNotNull()).persist(StorageLevel.MEMORY_AND_DISK());
        try {
            for (Row r : differing.groupBy(KIND).count().collectAsList()) {
                counts.put(r.getString(0), r.getLong(1));
            }
            if (counts.isEmpty()) {
                return;
            }
            Column rank = row_number().over(Window.partitionBy(col(KIND)).orderBy(keyColumns()));
            for (Row r : differing.withColumn("_rank", rank).where(col("_rank").leq(table.reconcile().sampleKeys()))
                    .orderBy(col(KIND), col("_rank")).collectAsList()) {
                samples.computeIfAbsent(r.getAs(KIND), k -> new ArrayList<>()).add(describeKey(r));
            }
        } finally {
            differing.unpersist();
        }
    }

    private String describeKey(Row r) {
        List<String> parts = new ArrayList<>();
        for (String k : table.key()) {
            parts.add(k + "=" + r.getAs(k));
        }
        return parts.size() == 1 ? parts.get(0) : "(" + String.join(", ", parts) + ")";
    }
}
