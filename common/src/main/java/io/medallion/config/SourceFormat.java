package io.medallion.config;

import java.util.Locale;

/** How a landing file is laid out. */
public enum SourceFormat {
    /** One record per line, fields separated by a delimiter, no quoting, like TPC-H's dbgen output. */
    DELIMITED,
    /** RFC 4180 CSV: a header by default, quoted fields that may hold the delimiter, quotes and line breaks. */
    CSV,
    /** One JSON object per line. */
    JSONL,
    /** JSON documents: one array of objects per file, or one object per line (detected per file). */
    JSON;

    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether the records are JSON objects, whose undeclared fields bronze keeps in {@code _rescued}. */
    public boolean isJson() {
        return this == JSONL || this == JSON;
    }
}
