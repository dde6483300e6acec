package io.medallion.jobs.bronze;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.medallion.config.ColumnSpec;
import io.medallion.config.SourceFormat;
import io.medallion.config.TableSpec;
import io.medallion.jobs.bronze.source.RecordCount;
import io.medallion.lake.BronzeColumns;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.parquet.ParquetToSparkSchemaConverter;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Parquet, Avro and ORC landing files, read with Spark's own readers. Each file is checked on
 * its own before anything is appended: a declared column the file lacks (when required), or
 * holds in a type that does not widen safely to the declared one, refuses the file, naming the
 * column and both types; so does a file Spark cannot read to its end. Bronze keeps the declared
 * columns in their declared types (int widened to bigint, float to double, a decimal to a wider
 * one, never anything lossy), the file's undeclared columns as JSON in {@code _rescued}, and
 * numbers each file's records 1..n in file order.
 */
final class TypedFiles {
    private TypedFiles() {
    }

    private static Dataset<Row> read(SparkSession spark, TableSpec table, String path) {
        return spark.read().format(table.source().format().name().toLowerCase(Locale.ROOT)).load(path);
    }

    /** The file's column for {@code c}: by its {@code from} name, or the nested field its dotted path names. */
    private static StructField field(Dataset<Row> file, ColumnSpec c) {
        for (StructField f : file.schema().fields()) {
            if (f.name().equals(c.from())) {
                return f;
            }
        }
        if (c.from().contains(".")) {
            try {
                return file.select(col(c.from())).schema().fields()[0];
            } catch (Exception e) { // Spark's AnalysisException: no such nested field
                return null;
            }
        }
        return null;
    }

    private static Column source(Dataset<Row> file, ColumnSpec c) {
        return file.schema().getFieldIndex(c.from()).isDefined() ? col("`" + c.from() + "`") : col(c.from());
    }

    /** Counts the file's records, or says why the file is refused. */
    static RecordCount check(SparkSession spark, TableSpec table, String path) {
        try {
            if (table.source().format() == SourceFormat.PARQUET) {
                // The footer holds the schema and the row counts: read here, it spares a Spark job
                // for the schema and another for the count, per file.
                try (ParquetFileReader footer = ParquetFileReader.open(HadoopInputFile.fromPath(
                        new Path(path), spark.sparkContext().hadoopConfiguration()))) {
                    return check(table, spark.createDataFrame(List.of(), schema(spark, footer)),
                            footer.getRecordCount());
                }
            }
            Dataset<Row> file = read(spark, table, path);
            RecordCount schemaProblems = check(table, file, 0);
            return schemaProblems.rejected() != null ? schemaProblems : RecordCount.numbered(file.count());
        } catch (Exception e) { // SparkException is checked in Java's terms, but Scala declares nothing
            // A truncated or corrupt file: Spark cannot read its footer or its pages.
            return RecordCount.rejected("cannot be read as " + table.source().format().specName() + ": "
                    + deepestMessage(e));
        }
    }

    /**
     * The file's schema as Spark's reader infers it: the Spark schema a Spark writer kept in the
     * footer, else the Parquet schema converted.
     */
    private static StructType schema(SparkSession spark, ParquetFileReader footer) {
        FileMetaData meta = footer.getFooter().getFileMetaData();
        String kept = meta.getKeyValueMetaData().get("org.apache.spark.sql.parquet.row.metadata");
        try {
            if (kept != null && DataType.fromJson(kept) instanceof StructType schema) {
                return schema;
            }
        } catch (RuntimeException e) {
            // an older writer's form of the schema: the Parquet schema says the same
        }
        return new ParquetToSparkSchemaConverter(spark.sessionState().conf()).convert(meta.getSchema());
    }

    /** {@code records} numbered, unless the file's columns do not fit the declared ones. */
    private static RecordCount check(TableSpec table, Dataset<Row> file, long records) {
        List<String> problems = new ArrayList<>();
        for (ColumnSpec c : table.schema()) {
            StructField f = field(file, c);
            DataType declared = c.type().sparkType();
            if (f == null) {
                if (c.required()) {
                    problems.add("has no column " + c.from() + ", which the spec requires");
                }
            } else if (!widensTo(f.dataType(), declared)) {
                problems.add("column " + c.from() + " is " + f.dataType().simpleString() + ", declared "
                        + c.type() + " (only a safe widening is read: int to bigint, float to double, a decimal "
                        + "to a wider one)");
            }
        }
        return problems.isEmpty() ? RecordCount.numbered(records) : RecordCount.rejected(String.join("; ", problems));
    }

    /** The innermost cause's message: Spark wraps a reader's own words in several layers of job failure. */
    private static String deepestMessage(Throwable e) {
        String message = e.getClass().getSimpleName();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                message = t.getMessage().lines().findFirst().orElse(message);
            }
        }
        return message;
    }

    static boolean widensTo(DataType found, DataType declared) {
        if (found.equals(declared)) {
            return true;
        }
        boolean integral = found.equals(DataTypes.ByteType) || found.equals(DataTypes.ShortType)
                || found.equals(DataTypes.IntegerType);
        if (declared.equals(DataTypes.LongType)) {
            return integral;
        }
        if (declared.equals(DataTypes.IntegerType)) {
            return found.equals(DataTypes.ByteType) || found.equals(DataTypes.ShortType);
        }
        if (declared.equals(DataTypes.DoubleType)) {
            return found.equals(DataTypes.FloatType) || integral;
        }
        if (declared instanceof DecimalType to) {
            int digits = found.equals(DataTypes.LongType) ? 19 : integral ? 10 : -1;
            if (found instanceof DecimalType from) {
                return to.scale() >= from.scale() && to.precision() - to.scale() >= from.precision() - from.scale();
            }
            return digits > 0 && to.precision() - to.scale() >= digits;
        }
        return false;
    }

    /** The bronze rows of the files, which {@link #check} accepted, in {@link BronzeSchema}'s column order. */
    static Dataset<Row> rows(SparkSession spark, TableSpec table, List<LandingFile> files, String runId,
                             Timestamp ingestedAt) {
        Dataset<Row> all = null;
        for (LandingFile f : files) {
            Dataset<Row> file = read(spark, table, f.path());
            List<Column> columns = new ArrayList<>();
            Set<String> read = new HashSet<>();
            for (ColumnSpec c : table.schema()) {
                StructField field = field(file, c);
                columns.add((field == null ? lit(null) : source(file, c)).cast(c.type().sparkType()).as(c.name()));
                read.add(c.from().contains(".") && field != null && !file.schema().getFieldIndex(c.from()).isDefined()
                        ? c.from().substring(0, c.from().indexOf('.')) : c.from());
            }
            // File order, numbered from 1, which is what proves the file complete. Parquet knows each
            // row's index in its file, so its scan stays split; the others take one sorted pass per file.
            Column position = table.source().format() == SourceFormat.PARQUET
                    ? col("_metadata.row_index").plus(1)
                    : functions.row_number().over(Window.orderBy(functions.monotonically_increasing_id()));
            List<Column> extra = new ArrayList<>();
            for (String name : file.columns()) {
                if (!read.contains(name)) {
                    extra.add(col("`" + name + "`"));
                }
            }
            columns.add(lit(runId).as(BronzeColumns.INGEST_RUN_ID));
            columns.add(lit(ingestedAt).as(BronzeColumns.INGESTED_AT));
            columns.add(lit(f.path()).as(BronzeColumns.SOURCE_FILE));
            columns.add(position.cast(DataTypes.LongType).as(BronzeColumns.SOURCE_LINE));
            columns.add(lit(Date.valueOf(f.batchDate())).as(BronzeColumns.BATCH_DATE));
            columns.add(lit(null).cast(DataTypes.StringType).as(BronzeColumns.RAW));
            columns.add(lit(null).cast(DataTypes.StringType).as(BronzeColumns.PARSE_ERROR));
            columns.add((extra.isEmpty() ? lit(null).cast(DataTypes.StringType)
                    : functions.to_json(functions.struct(extra.toArray(new Column[0])))).as(BronzeColumns.RESCUED));
            Dataset<Row> rows = file.select(columns.toArray(new Column[0]));
            all = all == null ? rows : all.unionByName(rows);
        }
        return all;
    }
}
