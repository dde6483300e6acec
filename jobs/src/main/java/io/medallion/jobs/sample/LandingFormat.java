package io.medallion.jobs.sample;

import java.util.Locale;

/**
 * The file format {@code generate --format} writes the TPC-H landing data in. The customer change
 * feed is JSON in every format: JSON lines, or JSON arrays for {@code json}. Each format carries
 * the defects it can hold; the others are left out and the manifest counts none of them.
 */
public enum LandingFormat {
    /** dbgen's own layout: '|' between fields and after the last one, no header, no quoting. */
    DELIMITED("tbl"),
    /** RFC 4180 with a header; comments holding a comma are quoted. */
    CSV("csv"),
    /** One JSON array of objects per file, typed values. */
    JSON("json"),
    /** Typed Parquet files. */
    PARQUET("parquet");

    private final String extension;

    LandingFormat(String extension) {
        this.extension = extension;
    }

    public String extension() {
        return extension;
    }

    /** The change feed's file extension: an array file for {@code json}, JSON lines otherwise. */
    public String eventExtension() {
        return this == JSON ? "json" : "jsonl";
    }

    /** Whether files of this format can hold the defect. */
    public boolean carries(Defect defect) {
        return switch (defect) {
            // A JSON object without a field is a null, not a short record; Parquet has no text to garble.
            case BAD_FIELD_COUNT -> this == DELIMITED || this == CSV;
            case BAD_NUMBER, BAD_DATE -> this != PARQUET;
            // A cut-off event inside an array would make the whole file unreadable.
            case BROKEN_JSON -> this != JSON;
            case WRONG_TYPE_FILE -> this == PARQUET;
            default -> true;
        };
    }

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static LandingFormat fromKey(String key) {
        for (LandingFormat f : values()) {
            if (f.key().equals(key.trim().toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown landing format '" + key
                + "'; valid: delimited, csv, json, parquet");
    }
}
