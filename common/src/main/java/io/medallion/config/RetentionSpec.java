package io.medallion.config;

import java.util.Objects;

/**
 * A table's row retention: rows whose {@code column} is more than {@code keepDays} days before the
 * run date are copied to {@code archiveRoot} (Parquet) and then deleted from the table.
 *
 * @param archiveRoot where archived rows go, {@code <archiveRoot>/<layer>/<table>}; may be a cold bucket
 */
public record RetentionSpec(String column, int keepDays, String archiveRoot) {
    public RetentionSpec {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(archiveRoot, "archiveRoot");
    }
}
