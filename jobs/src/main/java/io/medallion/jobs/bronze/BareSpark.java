package io.medallion.jobs.bronze;

import io.medallion.config.ColumnSpec;
import io.medallion.config.SourceFormat;
import io.medallion.config.TableSpec;
import java.io.IOException;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The peer bronze is measured against (deploy/bench/formats.sh): Spark's own reader with the
 * declared schema straight into Delta, no fingerprints, no proof, no bookkeeping.
 */
public final class BareSpark {
    private BareSpark() {
    }

    /** The table's landing files up to no date, as the bronze job lists them. */
    private static List<String> files(SparkSession spark, TableSpec table, String landingRoot) throws IOException {
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        return new LandingScanner(hadoop, landingRoot).list(table).stream().map(LandingFile::path).toList();
    }

    private static StructType declared(TableSpec table) {
        StructType schema = new StructType();
        for (ColumnSpec c : table.schema()) {
            schema = schema.add(c.from(), c.type().sparkType(), true);
        }
        return schema;
    }

    /** Reads the table's landing files with Spark's reader for the format and the declared types. */
    private static Dataset<Row> read(SparkSession spark, TableSpec table, List<String> files) {
        SourceFormat format = table.source().format();
        String[] paths = files.toArray(new String[0]);
        DataFrameReader reader = spark.read();
        return switch (format) {
            case DELIMITED -> {
                StructType schema = declared(table);
                if (table.source().trailingDelimiter()) {
                    schema = schema.add("_trailing", DataTypes.StringType, true);
                }
                yield reader.schema(schema).option("sep", table.source().delimiter()).csv(paths).drop("_trailing");
            }
            case CSV -> reader.schema(declared(table)).option("header", table.source().csv().header())
                    .option("sep", table.source().delimiter()).csv(paths);
            case JSONL -> reader.schema(declared(table)).json(paths);
            // The generator's json files are arrays, which Spark reads only whole (multiLine); a
            // json table of JSON lines is measured as jsonl.
            case JSON -> reader.schema(declared(table)).option("multiLine", true).json(paths);
            case PARQUET, AVRO, ORC -> reader.schema(declared(table)).format(format.specName()).load(paths);
            case JDBC -> throw new IllegalArgumentException(table.name() + ": bare Spark is measured on landing files");
        };
    }

    /** Bare Spark's ingest: read, write to Delta. Returns the rows written. */
    public static long ingest(SparkSession spark, TableSpec table, String landingRoot, String out) throws IOException {
        read(spark, table, files(spark, table, landingRoot)).write().format("delta").mode("append").save(out);
        return spark.read().format("delta").load(out).count();
    }
}
