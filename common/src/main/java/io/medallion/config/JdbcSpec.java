package io.medallion.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A database table or query as a source ({@code format: jdbc}).
 *
 * @param url the JDBC URL; its scheme picks the driver on the classpath (PostgreSQL's is bundled)
 * @param user the database user
 * @param password the user's password, from the environment; never logged, recorded or printed
 * @param table a schema-qualified table name, or null when {@code query} is given
 * @param query one SELECT statement whose rows are the source, or null when {@code table} is given
 * @param mode incremental (by watermark) or snapshot (the whole table each run)
 * @param watermark monotonic columns, compared in order; the last breaks ties (incremental)
 * @param lag how far behind the run's start the extract stops, so that rows committed late are
 *     taken by the next run
 * @param partitionColumn the column a parallel read splits on; null for one connection
 * @param partitions how many connections read side by side
 * @param fetchSize rows fetched per round trip
 * @param connectAttempts how many times an unreachable database is tried before the table fails
 * @param retryBackoff the wait before the second attempt, doubled at each next one
 */
public record JdbcSpec(String url, String user, String password, String table, String query, JdbcMode mode,
                       List<String> watermark, Duration lag, String partitionColumn, int partitions, int fetchSize,
                       int connectAttempts, Duration retryBackoff) implements Serializable {
    public JdbcSpec {
        Objects.requireNonNull(url, "url");
        Objects.requireNonNull(mode, "mode");
        watermark = List.copyOf(watermark);
        Objects.requireNonNull(lag, "lag");
        Objects.requireNonNull(retryBackoff, "retryBackoff");
        if ((table == null) == (query == null)) {
            throw new IllegalArgumentException("exactly one of table and query");
        }
    }

    /** What the extract reads, as bronze's {@code _source_file} and the logs name it: no credentials. */
    public String describe() {
        return JdbcUrls.withoutCredentials(url) + (table != null ? "#" + table : "#query");
    }

    /** Masks the password in {@link #toString()}, which a log line or an exception might print. */
    @Override
    public String toString() {
        return "JdbcSpec[" + describe() + ", user=" + user + ", password=" + Secrets.MASK + ", mode=" + mode
                + ", watermark=" + watermark + "]";
    }
}
