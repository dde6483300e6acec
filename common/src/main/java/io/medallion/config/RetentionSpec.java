package io.medallion.config;

import java.util.Objects;

/**
 * A table's row retention: rows whose {@code column} is more than {@code keepDays} days before the
 * run date are copied to the table's archive ({@link MaintenanceSpec#archiveRoot}) and then deleted
 * from the table.
 */
public record RetentionSpec(String column, int keepDays) {
    public RetentionSpec {
        Objects.requireNonNull(column, "column");
    }
}
