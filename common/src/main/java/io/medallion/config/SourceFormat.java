package io.medallion.config;

import java.util.Locale;

/** How a landing file is laid out. */
public enum SourceFormat {
    /** One record per line, fields separated by a delimiter, like TPC-H's dbgen output. */
    DELIMITED,
    /** One JSON object per line. */
    JSONL;

    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
