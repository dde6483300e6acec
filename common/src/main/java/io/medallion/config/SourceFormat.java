package io.medallion.config;

import java.util.Locale;

/** How a table's raw data is written: a landing file's layout, or a database. */
public enum SourceFormat {
    /** One record per line, fields separated by a delimiter, no quoting, like TPC-H's dbgen output. */
    DELIMITED,
    /** RFC 4180 CSV: a header by default, quoted fields that may hold the delimiter, quotes and line breaks. */
    CSV,
    /** One JSON object per line. */
    JSONL,
    /** JSON documents: one array of objects per file, or one object per line (detected per file). */
    JSON,
    /** Typed files, read with Spark's own readers: types are checked against the schema, never cast silently. */
    PARQUET,
    AVRO,
    ORC,
    /** A database table or query, read over JDBC with the database's types, checked like typed files'. */
    JDBC;

    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the files carry their own types (Parquet, Avro, ORC) rather than text. */
    public boolean isTyped() {
        return this == PARQUET || this == AVRO || this == ORC;
    }

    /** Whether the source is a database rather than landing files. */
    public boolean isDatabase() {
        return this == JDBC;
    }

    /** Whether the records are JSON objects, whose undeclared fields bronze keeps in {@code _rescued}. */
    public boolean isJson() {
        return this == JSONL || this == JSON;
    }
}
