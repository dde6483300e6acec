package io.medallion.config;

import java.util.Objects;

/** One declared column: name, type and whether silver requires a value. */
public record ColumnSpec(String name, ColumnType type, boolean required) implements java.io.Serializable {
    public ColumnSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }
}
