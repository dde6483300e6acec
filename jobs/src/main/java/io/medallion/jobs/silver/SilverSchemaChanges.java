package io.medallion.jobs.silver;

import io.delta.tables.DeltaTable;
import io.medallion.config.ColumnSpec;
import io.medallion.config.Pii;
import io.medallion.config.TableSpec;
import io.medallion.lake.BronzeColumns;
import io.medallion.lake.TableFiles;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a spec change asks of an existing silver table, and whether it may be done in place:
 * <ul>
 *   <li>a column added to the schema is added to the table ({@code ALTER TABLE ADD COLUMNS}); its
 *       values for rows already in silver come from bronze with {@code silver --backfill-columns};</li>
 *   <li>a column removed from the schema stays in the table, deprecated: new rows leave it null,
 *       and nothing is dropped silently;</li>
 *   <li>a type changed to a safe widening is applied, by rewriting the table with the column cast;</li>
 *   <li>any other type change, and a changed key or partitioning, is refused (exit 2): each means
 *       judging or deduplicating every row again, which {@code silver --rebuild --table T} does from bronze.</li>
 * </ul>
 * The key a table was built with is kept in its {@link #KEY_PROPERTY} table property.
 */
public final class SilverSchemaChanges {
    private static final Logger LOG = LoggerFactory.getLogger(SilverSchemaChanges.class);
    /** The table property holding the business key silver deduplicated the table by. */
    static final String KEY_PROPERTY = "medallion.key";
    /** Columns silver writes besides the declared ones: never deprecated. */
    private static final Set<String> OWN = Set.of(BronzeColumns.BATCH_DATE, BronzeColumns.SOURCE_FILE,
            BronzeColumns.SOURCE_LINE, KeyedMerge.RUN_COLUMN, ChangeFeedApplier.SEQ);

    /** A declared column whose stored type widens safely to the declared one. */
    record Widening(String column, DataType from, DataType to) {
    }

    /**
     * The changes one table needs, or refuses.
     *
     * @param recordKey whether the table lacks {@link #KEY_PROPERTY} (built before it was kept), which is then set
     */
    record Plan(String table, List<ColumnSpec> added, List<Widening> widened, List<String> deprecated,
                List<String> refusals, boolean recordKey) {
        boolean changesTable() {
            return !added.isEmpty() || !widened.isEmpty() || recordKey;
        }
    }

    private SilverSchemaChanges() {
    }

    /** The plan for the silver table at {@code path}; empty when there is no table yet. */
    static Optional<Plan> plan(SparkSession spark, String path, TableSpec table) {
        if (!DeltaTable.isDeltaTable(spark, path)) {
            return Optional.empty();
        }
        return Optional.of(plan(table, TableFiles.shape(spark, path)));
    }

    static Plan plan(TableSpec table, TableFiles.Shape shape) {
        Map<String, DataType> stored = new HashMap<>();
        for (StructField f : shape.schema().fields()) {
            stored.put(f.name(), f.dataType());
        }
        List<String> deprecated = deprecated(table, List.of(shape.schema().fieldNames()));
        List<ColumnSpec> added = new ArrayList<>();
        List<Widening> widened = new ArrayList<>();
        List<String> refusals = new ArrayList<>();
        String rebuild = "medallion silver --rebuild --table " + table.name();
        for (ColumnSpec c : table.schema()) {
            DataType from = stored.get(c.name());
            DataType to = storedType(c);
            if (from == null) {
                added.add(c);
            } else if (!from.equals(to)) {
                if (widens(from, to)) {
                    widened.add(new Widening(c.name(), from, to));
                } else {
                    refusals.add("silver." + table.name() + ": column " + c.name() + " is stored as "
                            + from.simpleString() + " but the spec now declares " + to.simpleString() + "; only a "
                            + "safe widening (int to bigint or double, int or bigint to a decimal with room for it, a "
                            + "decimal to one with no fewer integer digits and decimal places) is applied in place. "
                            + "Restore the type, or rebuild the table from bronze: " + rebuild);
                }
            }
        }
        String key = shape.properties().get(KEY_PROPERTY);
        String declared = String.join(",", table.key());
        if (key != null && !key.equals(declared)) {
            refusals.add("silver." + table.name() + " is deduplicated by [" + key + "] but the spec now declares key ["
                    + declared + "]; a new key deduplicates every row again, so it is not done in place. Restore "
                    + "the key, or rebuild the table from bronze: " + rebuild);
        }
        if (!shape.partitionColumns().equals(table.partitionBy())) {
            refusals.add("silver." + table.name() + " is partitioned by " + shape.partitionColumns()
                    + " but the spec now declares partition_by " + table.partitionBy() + "; a new partitioning "
                    + "rewrites every file, so it is not done in place. Restore partition_by, or rebuild the "
                    + "table from bronze: " + rebuild);
        }
        return new Plan(table.name(), added, widened, deprecated, refusals, key == null);
    }

    /** The columns of a silver table that its spec no longer declares: kept, and shown deprecated by {@code config}. */
    public static List<String> deprecated(TableSpec table, List<String> columns) {
        return columns.stream().filter(c -> table.column(c).isEmpty() && !OWN.contains(c)).toList();
    }

    /** The type silver stores a declared column as: text when it is hashed or masked. */
    static DataType storedType(ColumnSpec c) {
        return c.pii() == Pii.NONE ? c.type().sparkType() : DataTypes.StringType;
    }

    /** Whether every value of {@code from} is a value of {@code to}, exactly. */
    static boolean widens(DataType from, DataType to) {
        if (from.equals(DataTypes.IntegerType)) {
            return to.equals(DataTypes.LongType) || to.equals(DataTypes.DoubleType)
                    || to instanceof DecimalType d && d.precision() - d.scale() >= 10;
        }
        if (from.equals(DataTypes.LongType)) {
            return to instanceof DecimalType d && d.precision() - d.scale() >= 20;
        }
        if (from instanceof DecimalType f && to instanceof DecimalType t) {
            return t.scale() >= f.scale() && t.precision() - t.scale() >= f.precision() - f.scale();
        }
        return false;
    }

    /**
     * Brings an existing silver table in line with its spec where that is done in place (see
     * {@link #apply}); the refusals were asked before the run ({@link SilverJob#refusals}).
     */
    static void applyTo(SparkSession spark, String path, TableSpec table) {
        plan(spark, path, table).filter(Plan::changesTable).ifPresent(plan -> apply(spark, path, plan, table));
    }

    /**
     * Applies a plan without refusals: adds the new columns, rewrites the table once when a type
     * widens (Delta 3.3 widens only small integers in place), and records the key.
     */
    static void apply(SparkSession spark, String path, Plan plan, TableSpec table) {
        if (!plan.refusals().isEmpty()) {
            throw new IllegalStateException(String.join("; ", plan.refusals()));
        }
        String target = "delta.`" + path + "`";
        if (!plan.added().isEmpty()) {
            List<String> columns = plan.added().stream()
                    .map(c -> "`" + c.name() + "` " + storedType(c).sql()).toList();
            spark.sql("ALTER TABLE " + target + " ADD COLUMNS (" + String.join(", ", columns) + ")");
            LOG.info("silver.{}: added column(s) {}; rows already in silver hold null there until "
                    + "'medallion silver --backfill-columns' fills them from bronze", plan.table(),
                    plan.added().stream().map(ColumnSpec::name).toList());
        }
        if (!plan.widened().isEmpty()) {
            var rows = spark.read().format("delta").load(path);
            List<Column> columns = new ArrayList<>();
            Map<String, DataType> wider = new HashMap<>();
            plan.widened().forEach(w -> wider.put(w.column(), w.to()));
            for (String c : rows.columns()) {
                columns.add(wider.containsKey(c) ? functions.col(c).cast(wider.get(c)).as(c) : functions.col(c));
            }
            var writer = rows.select(columns.toArray(new Column[0])).write().format("delta").mode("overwrite")
                    .option("overwriteSchema", "true");
            if (!table.partitionBy().isEmpty()) {
                writer = writer.partitionBy(table.partitionBy().toArray(new String[0]));
            }
            writer.save(path);
            LOG.info("silver.{}: widened {}", plan.table(), plan.widened().stream()
                    .map(w -> w.column() + " " + w.from().simpleString() + " -> " + w.to().simpleString()).toList());
        }
        if (plan.recordKey()) {
            recordKey(spark, path, table);
        }
        if (!plan.deprecated().isEmpty()) {
            LOG.warn("silver.{}: column(s) {} are no longer in the spec; they are kept, deprecated, and new rows "
                    + "leave them null", plan.table(), plan.deprecated());
        }
    }

    /** Records the key the table is now deduplicated by. */
    static void recordKey(SparkSession spark, String path, TableSpec table) {
        spark.sql("ALTER TABLE delta.`" + path + "` SET TBLPROPERTIES ('" + KEY_PROPERTY + "' = '"
                + String.join(",", table.key()) + "')");
    }
}
