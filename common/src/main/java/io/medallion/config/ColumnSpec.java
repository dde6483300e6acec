package io.medallion.config;

import java.util.Objects;

/**
 * One declared column: name, type, whether silver requires a value, and how silver cleans it.
 *
 * @param standardize normalisation of text after trimming
 * @param pii how silver stores personal data
 */
public record ColumnSpec(String name, ColumnType type, boolean required, Standardize standardize, Pii pii)
        implements java.io.Serializable {
    public ColumnSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(standardize, "standardize");
        Objects.requireNonNull(pii, "pii");
    }

    /** A column with no cleaning beyond the cast. */
    public ColumnSpec(String name, ColumnType type, boolean required) {
        this(name, type, required, Standardize.NONE, Pii.NONE);
    }
}
