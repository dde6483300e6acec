package io.medallion.jobs.bronze.source;

import io.medallion.config.TableSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.util.Iterator;

/**
 * How bronze reads one kind of landing file: a cheap counting pass first, which also decides
 * whether the file can be taken at all, then the records themselves. Bronze proves its append
 * against the count, so the two passes must agree on what a record is. Runs on executors.
 */
public interface SourceReader extends Serializable {

    /** Counts the records {@link #records} yields, or says why the file is refused whole. */
    RecordCount count(InputStream in, String file) throws IOException;

    /**
     * The file's records in order, read lazily; never drops one: a record that does not parse
     * keeps its raw text and the reason. Only called on a file that {@link #count} accepted.
     */
    Iterator<SourceRecord> records(InputStream in, String file) throws IOException;

    /** The reader for a table's source format; null for typed files and databases, which Spark reads. */
    static SourceReader of(TableSpec table) {
        return switch (table.source().format()) {
            case DELIMITED, JSONL -> new LineReader(new LineParser(table), false);
            case CSV -> new CsvReader(table);
            case JSON -> new JsonDocumentReader(new LineParser(table));
            case PARQUET, AVRO, ORC, JDBC -> null;
        };
    }
}
