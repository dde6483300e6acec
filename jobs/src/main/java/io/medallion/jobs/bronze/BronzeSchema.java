package io.medallion.jobs.bronze;

import io.medallion.config.CdcSpec;
import io.medallion.config.SourceFormat;
import io.medallion.config.TableSpec;
import io.medallion.lake.BronzeColumns;
import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The layout of a bronze table. Data columns of text formats hold the text as it arrived (types
 * are checked here but applied in silver), those of typed files their declared types; a change feed keeps its envelope (op, sequence) and its
 * before/after images as JSON text, so no field is ever dropped.
 */
public final class BronzeSchema {
    private BronzeSchema() {
    }

    public static List<String> dataColumns(TableSpec table) {
        if (table.cdc().isPresent()) {
            CdcSpec c = table.cdc().get();
            return List.of(c.opField(), c.sequenceField(), c.beforeField(), c.afterField());
        }
        return table.columnNames();
    }

    /** Whether the table keeps the fields its spec does not declare in {@code _rescued}: JSON keys, CSV header columns. */
    public static boolean hasRescued(TableSpec table) {
        SourceFormat format = table.source().format();
        return format.isJson() || format.isTyped() || format == SourceFormat.CSV;
    }

    public static StructType of(TableSpec table) {
        StructType schema = new StructType();
        if (table.source().format().isTyped() || table.source().format().isDatabase()) {
            // Typed files and databases keep their (declared, safely widened) types: there is no text to keep.
            for (io.medallion.config.ColumnSpec c : table.schema()) {
                schema = schema.add(c.name(), c.type().sparkType(), true);
            }
        } else {
            for (String c : dataColumns(table)) {
                schema = schema.add(c, DataTypes.StringType, true);
            }
        }
        schema = schema
                .add(BronzeColumns.INGEST_RUN_ID, DataTypes.StringType, false)
                .add(BronzeColumns.INGESTED_AT, DataTypes.TimestampType, false)
                .add(BronzeColumns.SOURCE_FILE, DataTypes.StringType, false)
                .add(BronzeColumns.SOURCE_LINE, DataTypes.LongType, false)
                .add(BronzeColumns.BATCH_DATE, DataTypes.DateType, false)
                .add(BronzeColumns.RAW, DataTypes.StringType, true)
                .add(BronzeColumns.PARSE_ERROR, DataTypes.StringType, true);
        if (hasRescued(table)) {
            schema = schema.add(BronzeColumns.RESCUED, DataTypes.StringType, true);
        }
        return schema;
    }
}
