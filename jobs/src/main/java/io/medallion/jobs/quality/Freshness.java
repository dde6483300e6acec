package io.medallion.jobs.quality;

import io.medallion.config.FreshnessSpec;
import io.medallion.config.TableSpec;
import io.medallion.lake.DeltaLogFiles;
import io.medallion.lake.LakePaths;
import io.medallion.lake.TableRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

/**
 * How old each table's data is, against its {@code freshness} spec, at the clock's time. With
 * {@code loaded_at: ingest} the load time is the table's last bronze commit that added rows, read
 * from the Delta log alone, so no Spark is needed; with a column it is the column's largest value
 * in silver (a date counts from its midnight, UTC).
 */
public final class Freshness {
    /** How the data's age compares with the thresholds. */
    public enum Status {
        FRESH, WARNING, ERROR;

        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One table's freshness.
     *
     * @param loadedAt when its data was last loaded; empty when it never was
     */
    public record Result(String table, FreshnessSpec spec, Optional<Instant> loadedAt, Instant checkedAt,
                         Status status, String message) {
        /** How old the data is; empty when it was never loaded. */
        public Optional<Duration> age() {
            return loadedAt.map(at -> Duration.between(at, checkedAt));
        }

        /** The age in hours, for ops tables and metrics; null when never loaded. */
        public Double ageHours() {
            return age().map(a -> a.toMillis() / 3_600_000.0).orElse(null);
        }
    }

    private final Clock clock;

    public Freshness(Clock clock) {
        this.clock = clock;
    }

    /**
     * @param spark needed only when the table's {@code loaded_at} is a column; may be null otherwise
     */
    public Result check(TableSpec table, Configuration hadoop, LakePaths lake, SparkSession spark) {
        FreshnessSpec spec = table.freshness();
        Optional<Instant> loadedAt = spec.fromIngest()
                ? lastLoad(hadoop, lake.path(TableRef.bronze(table.name())))
                : maxOf(spark, hadoop, lake.path(TableRef.silver(table.name())), spec.loadedAtColumn());
        return judge(table.name(), spec, loadedAt, clock.instant());
    }

    /** Whether the spec asks for Spark to check this table. */
    public static boolean needsSpark(TableSpec table) {
        return table.freshness().declared() && !table.freshness().fromIngest();
    }

    static Result judge(String table, FreshnessSpec spec, Optional<Instant> loadedAt, Instant now) {
        String source = spec.fromIngest() ? "last bronze load" : "max(" + spec.loadedAtColumn() + ")";
        if (loadedAt.isEmpty()) {
            Status status = spec.errorAfter().isPresent() ? Status.ERROR : Status.WARNING;
            return new Result(table, spec, loadedAt, now, status, table + " has never been loaded (" + source + ")");
        }
        Duration age = Duration.between(loadedAt.get(), now);
        String aged = table + ": " + source + " " + loadedAt.get() + " is " + hours(age) + " old";
        if (spec.errorAfter().isPresent() && age.compareTo(spec.errorAfter().get()) > 0) {
            return new Result(table, spec, loadedAt, now, Status.ERROR, aged + ", over error_after "
                    + hours(spec.errorAfter().get()));
        }
        if (spec.warnAfter().isPresent() && age.compareTo(spec.warnAfter().get()) > 0) {
            return new Result(table, spec, loadedAt, now, Status.WARNING, aged + ", over warn_after "
                    + hours(spec.warnAfter().get()));
        }
        return new Result(table, spec, loadedAt, now, Status.FRESH, aged);
    }

    /** A duration as hours with one decimal: {@code 30.5 h}. */
    public static String hours(Duration d) {
        return String.format(Locale.ROOT, "%.1f h", d.toMillis() / 3_600_000.0);
    }

    /** The time of the table's last commit that added rows; maintenance and deletes are not loads. */
    private static Optional<Instant> lastLoad(Configuration hadoop, String bronze) {
        return DeltaLogFiles.lastCommit(hadoop, bronze, c -> c.changedRowsAtLeast() > 0
                && !c.operation().equals("DELETE")).map(DeltaLogFiles.CommitInfo::timestamp);
    }

    private static Optional<Instant> maxOf(SparkSession spark, Configuration hadoop, String silver, String column) {
        if (DeltaLogFiles.latestVersion(hadoop, silver) < 0) {
            return Optional.empty();
        }
        Row max = spark.read().format("delta").load(silver).agg(functions.max(column)).first();
        if (max.isNullAt(0)) {
            return Optional.empty();
        }
        Object value = max.get(0);
        if (value instanceof java.sql.Timestamp ts) {
            return Optional.of(ts.toInstant());
        }
        if (value instanceof java.sql.Date date) {
            return Optional.of(date.toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant());
        }
        if (value instanceof LocalDate date) {
            return Optional.of(date.atStartOfDay(ZoneOffset.UTC).toInstant());
        }
        return Optional.of((Instant) value);
    }
}
