package io.medallion.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How old a table's data may be ({@code tables.<t>.freshness}): past {@code warnAfter} a warning is
 * recorded, past {@code errorAfter} the quality gate fails (exit 3).
 *
 * @param loadedAtColumn the silver column whose largest value is when the data was loaded; empty for
 *     {@code ingest}, the table's last bronze commit that added rows
 * @param declared whether the spec has the section: only such tables are checked
 */
public record FreshnessSpec(Optional<Duration> warnAfter, Optional<Duration> errorAfter, String loadedAtColumn,
                            boolean declared) implements Serializable {
    /** The {@code loaded_at} value that means the last bronze commit. */
    public static final String INGEST = "ingest";
    public static final FreshnessSpec NONE = new FreshnessSpec(Optional.empty(), Optional.empty(), "", false);

    public FreshnessSpec {
        Objects.requireNonNull(warnAfter, "warnAfter");
        Objects.requireNonNull(errorAfter, "errorAfter");
        Objects.requireNonNull(loadedAtColumn, "loadedAtColumn");
    }

    /** Whether the load time comes from bronze's log rather than a column. */
    public boolean fromIngest() {
        return loadedAtColumn.isEmpty();
    }

    /** {@code ingest} or the column, as the spec writes it. */
    public String loadedAt() {
        return fromIngest() ? INGEST : loadedAtColumn;
    }
}
