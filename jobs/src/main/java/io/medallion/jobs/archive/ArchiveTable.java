package io.medallion.jobs.archive;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.delta.tables.DeltaTable;
import io.medallion.config.PipelineSpec;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.lake.Layer;
import io.medallion.lake.TableRef;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A table's archive: the rows retention took out of it, as a Delta table at
 * {@code <archive_root>/<layer>/<table>} partitioned by the retention column, so that a date filter
 * reads only its days. Each row keeps the table's columns and says when and by which run it was
 * archived, the table version it was last in, and, once restored, when and by which run. Each
 * archive run is one commit whose metadata names the run, its cutoff and the table version, so a
 * run that stopped before deleting its rows from the table is found again from the log alone.
 * In SQL it is {@code archive.<layer>_<table>}: {@code archive.silver_orders}.
 */
public final class ArchiveTable {
    public static final String ARCHIVED_AT = "_archived_at";
    public static final String RUN_ID = "_archive_run_id";
    /** The table version the row was archived from: the last one that holds it. */
    public static final String FROM_VERSION = "_archived_from_version";
    public static final String RESTORED_AT = "_restored_at";
    public static final String RESTORE_RUN_ID = "_restore_run_id";
    /** The columns an archive adds to its table's. */
    public static final List<String> COLUMNS = List.of(ARCHIVED_AT, RUN_ID, FROM_VERSION, RESTORED_AT, RESTORE_RUN_ID);
    /** The database archives are queried in. */
    public static final String DATABASE = "archive";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One archive run, from the archive's log.
     *
     * @param version the archive's version that the run's commit made
     */
    public record Run(String runId, LocalDate cutoff, long tableVersion, long rows, long bytes, long version) {
    }

    private final SparkSession spark;
    private final TableRef table;
    private final String location;

    public ArchiveTable(SparkSession spark, TableRef table, String location) {
        this.spark = spark;
        this.table = table;
        this.location = location;
    }

    /** The archive of {@code table} where the spec puts it. */
    public static ArchiveTable of(SparkSession spark, PipelineSpec spec, TableRef table) {
        return new ArchiveTable(spark, table, table.path(spec.maintenance(table).archiveRoot()));
    }

    public TableRef table() {
        return table;
    }

    public String location() {
        return location;
    }

    /** {@code archive.<layer>_<table>}. */
    public String sqlName() {
        return sqlName(table);
    }

    public static String sqlName(TableRef table) {
        return DATABASE + "." + table.layer().specName() + "_" + table.name();
    }

    /** The table an {@code archive.<layer>_<table>} name stands for; empty for any other name. */
    public static Optional<TableRef> parseSqlName(String name) {
        if (!name.startsWith(DATABASE + ".")) {
            return Optional.empty();
        }
        String rest = name.substring(DATABASE.length() + 1);
        int underscore = rest.indexOf('_');
        if (underscore <= 0 || underscore == rest.length() - 1) {
            return Optional.empty();
        }
        String layer = rest.substring(0, underscore);
        if (Layer.DATA.stream().noneMatch(l -> l.specName().equals(layer))) {
            return Optional.empty();
        }
        return Optional.of(new TableRef(Layer.parse(layer), rest.substring(underscore + 1)));
    }

    public boolean exists() {
        refuseBatchFolders();
        return DeltaLogFiles.latestVersion(spark.sparkContext().hadoopConfiguration(), location) >= 0;
    }

    /** Every archived row, restored or not. */
    public Dataset<Row> read() {
        return spark.read().format("delta").load(location);
    }

    /** {@code archive.<layer>_<table>} in this session's SQL. */
    public void register() {
        spark.sql("CREATE DATABASE IF NOT EXISTS " + DATABASE);
        spark.sql("CREATE OR REPLACE VIEW " + sqlName() + " AS SELECT * FROM delta.`" + location + "`");
    }

    /**
     * Archived rows as rows of the table: its columns, in its order and types (null in a column the
     * table gained after they were archived), then the archive's columns named in {@code keep}.
     */
    public static Dataset<Row> asTableRows(Dataset<Row> archived, StructType tableSchema, String... keep) {
        List<String> present = List.of(archived.columns());
        List<Column> columns = new ArrayList<>();
        for (StructField f : tableSchema.fields()) {
            Column value = present.contains(f.name()) ? col("`" + f.name() + "`") : lit(null);
            columns.add(value.cast(f.dataType()).as(f.name()));
        }
        for (String k : keep) {
            columns.add(col("`" + k + "`"));
        }
        return archived.select(columns.toArray(new Column[0]));
    }

    /**
     * Appends one archive run's rows in one commit, which creates the archive on the first run.
     *
     * @param tableVersion the table version the rows were read from
     */
    void append(Dataset<Row> rows, String partitionColumn, String runId, Instant at, long tableVersion,
                LocalDate cutoff) {
        Dataset<Row> archived = rows.withColumn(ARCHIVED_AT, lit(Timestamp.from(at)))
                .withColumn(RUN_ID, lit(runId)).withColumn(FROM_VERSION, lit(tableVersion))
                .withColumn(RESTORED_AT, lit(null).cast(DataTypes.TimestampType))
                .withColumn(RESTORE_RUN_ID, lit(null).cast(DataTypes.StringType));
        String metadata = JSON.createObjectNode().put("run_id", runId).put("cutoff", cutoff.toString())
                .put("table_version", tableVersion).toString();
        // mergeSchema: a column the table gained since the last archive run joins the archive too.
        archived.write().format("delta").mode("append").partitionBy(partitionColumn).option("mergeSchema", "true")
                .option("userMetadata", metadata).save(location);
    }

    /** The archive runs in the log, oldest first. */
    public List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        if (!exists()) {
            return runs;
        }
        List<Row> history = DeltaTable.forPath(spark, location).history()
                .where("operation = 'WRITE' AND userMetadata IS NOT NULL").orderBy("version")
                .select("userMetadata", "operationMetrics", "version").collectAsList();
        for (Row h : history) {
            JsonNode m = parse(h.getString(0));
            if (!m.has("run_id")) {
                continue;
            }
            Map<String, String> metrics = h.getJavaMap(1);
            runs.add(new Run(m.get("run_id").asText(), LocalDate.parse(m.get("cutoff").asText()),
                    m.get("table_version").asLong(), Long.parseLong(metrics.getOrDefault("numOutputRows", "0")),
                    Long.parseLong(metrics.getOrDefault("numOutputBytes", "0")), h.getLong(2)));
        }
        return runs;
    }

    /** The values of the partition column that a run's rows hold, sorted; from its commit, reading no data. */
    public List<String> partitionsOf(Run run, String partitionColumn) {
        return DeltaLogFiles.addedPartitionValues(spark.sparkContext().hadoopConfiguration(), location, run.version(),
                partitionColumn);
    }

    private static JsonNode parse(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /**
     * Archives were Parquet batch folders ({@code archive_batch=…}) before they were Delta tables;
     * Delta would write beside such folders and leave their rows out of every query.
     */
    private void refuseBatchFolders() {
        try {
            Path root = new Path(location);
            FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
            if (!fs.exists(root) || fs.exists(new Path(root, "_delta_log"))) {
                return;
            }
            for (FileStatus s : fs.listStatus(root)) {
                if (s.isDirectory() && s.getPath().getName().startsWith("archive_batch=")) {
                    throw new IllegalStateException("the archive of " + table + " at " + location + " holds Parquet "
                            + "batch folders (archive_batch=…) of the earlier layout; move them aside and append "
                            + "their rows to a Delta table at that location, or set maintenance.archive_root to a "
                            + "new place");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the archive of " + table + " at " + location, e);
        }
    }
}
