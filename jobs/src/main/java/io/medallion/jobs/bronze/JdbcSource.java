package io.medallion.jobs.bronze;

import io.medallion.config.ColumnSpec;
import io.medallion.config.JdbcMode;
import io.medallion.config.JdbcSpec;
import io.medallion.config.JdbcUrls;
import io.medallion.config.TableSpec;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A database table as a bronze source, read with Spark's JDBC reader. Before any row moves it
 * reaches the database (retrying an unreachable one with backoff, failing at once on a refused
 * login) and checks each declared column's database type against the declared type. An
 * incremental extract reads the rows above the last extract's high-water mark and at or below a
 * cutoff fixed at run start; a snapshot reads them all. Names in the SQL it writes come from the
 * spec, where they were validated as plain identifiers; values come from the database itself.
 */
public final class JdbcSource {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSource.class);
    // SQLSTATE class 28: invalid authorization (a wrong password, an unknown user). Retrying cannot help.
    private static final String AUTHORIZATION_FAILED = "28";

    private final TableSpec table;
    private final JdbcSpec jdbc;

    public JdbcSource(TableSpec table) {
        this.table = table;
        this.jdbc = table.source().jdbc();
    }

    /** A table's problem with its database: a message for the ledger, not a stack trace. */
    public static final class JdbcSourceException extends RuntimeException {
        JdbcSourceException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** One declared column as the database holds it. */
    public record Column(ColumnSpec spec, String databaseType, DataType sparkType) {
    }

    /** The base relation: the table, or the query as a derived table. */
    private String relation() {
        return jdbc.table() != null ? jdbc.table() : "(" + jdbc.query().strip() + ") src";
    }

    private String selectList() {
        List<String> columns = new ArrayList<>();
        for (ColumnSpec c : table.schema()) {
            columns.add(c.from().equals(c.name()) ? c.from() : c.from() + " AS " + c.name());
        }
        return String.join(", ", columns);
    }

    /** A connection, after up to {@code connect_attempts} tries with doubling waits; a refused login is not retried. */
    public Connection connect() {
        Properties props = properties();
        Duration wait = jdbc.retryBackoff();
        SQLException last = null;
        for (int attempt = 1; attempt <= jdbc.connectAttempts(); attempt++) {
            try {
                return DriverManager.getConnection(jdbc.url(), props);
            } catch (SQLException e) {
                last = e;
                String state = e.getSQLState() == null ? "" : e.getSQLState();
                if (state.startsWith(AUTHORIZATION_FAILED)) {
                    throw new JdbcSourceException(table.name() + ": the database at " + where()
                            + " refused the login of user '" + jdbc.user() + "': " + firstLine(e), e);
                }
                if (attempt < jdbc.connectAttempts()) {
                    LOG.warn("{}: cannot reach the database at {} (attempt {} of {}): {}; trying again in {} ms",
                            table.name(), where(), attempt, jdbc.connectAttempts(), firstLine(e), wait.toMillis());
                    sleep(wait);
                    wait = wait.multipliedBy(2);
                }
            }
        }
        throw new JdbcSourceException(table.name() + ": cannot reach the database at " + where() + " after "
                + jdbc.connectAttempts() + " attempt(s): " + firstLine(last), last);
    }

    /**
     * The declared columns with their database and Spark types; fails naming every column that
     * is missing (when required) or whose type does not fit the declared one.
     */
    public List<Column> describe(Connection connection) throws SQLException {
        Map<String, Integer> positions = new HashMap<>();
        List<String> available = new ArrayList<>();
        ResultSetMetaData meta;
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT * FROM " + relation() + " WHERE 1 = 0")) {
            meta = rs.getMetaData();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                positions.put(meta.getColumnLabel(i).toLowerCase(Locale.ROOT), i);
                available.add(meta.getColumnLabel(i));
            }
            List<Column> columns = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (ColumnSpec c : table.schema()) {
                Integer i = positions.get(c.from().toLowerCase(Locale.ROOT));
                if (i == null) {
                    problems.add("has no column " + c.from() + (c.required() ? ", which the spec requires" : "")
                            + " (it has " + String.join(", ", available) + ")");
                    continue;
                }
                String dbType = meta.getColumnTypeName(i);
                DataType spark = sparkType(meta, i);
                if (!TypedFiles.widensTo(spark, c.type().sparkType())) {
                    problems.add("column " + c.from() + " is " + dbType + describePrecision(meta, i) + " in the database ("
                            + spark.simpleString() + "), declared " + c.type());
                }
                columns.add(new Column(c, dbType, spark));
            }
            if (!problems.isEmpty()) {
                throw new JdbcSourceException(table.name() + ": " + jdbc.describe() + " " + String.join("; ", problems)
                        + "; nothing extracted", null);
            }
            return columns;
        }
    }

    private static String describePrecision(ResultSetMetaData meta, int i) throws SQLException {
        String type = meta.getColumnTypeName(i).toLowerCase(Locale.ROOT);
        return type.equals("numeric") && meta.getPrecision(i) > 0
                ? "(" + meta.getPrecision(i) + "," + meta.getScale(i) + ")" : "";
    }

    /**
     * The Spark type Spark's JDBC reader gives a column: numeric(p,s) a decimal of that precision,
     * an unbounded numeric decimal(38,18), timestamptz a timestamp (UTC), uuid and json text.
     */
    private static DataType sparkType(ResultSetMetaData meta, int i) throws SQLException {
        return switch (meta.getColumnType(i)) {
            case java.sql.Types.BIT, java.sql.Types.BOOLEAN -> DataTypes.BooleanType;
            case java.sql.Types.TINYINT, java.sql.Types.SMALLINT -> DataTypes.ShortType;
            case java.sql.Types.INTEGER -> DataTypes.IntegerType;
            case java.sql.Types.BIGINT -> DataTypes.LongType;
            case java.sql.Types.REAL -> DataTypes.FloatType;
            case java.sql.Types.FLOAT, java.sql.Types.DOUBLE -> DataTypes.DoubleType;
            case java.sql.Types.NUMERIC, java.sql.Types.DECIMAL -> meta.getPrecision(i) > 0 && meta.getPrecision(i) <= 38
                    ? DataTypes.createDecimalType(meta.getPrecision(i), Math.max(0, meta.getScale(i)))
                    : DataTypes.createDecimalType(38, 18);
            case java.sql.Types.DATE -> DataTypes.DateType;
            case java.sql.Types.TIMESTAMP, java.sql.Types.TIMESTAMP_WITH_TIMEZONE -> DataTypes.TimestampType;
            case java.sql.Types.CHAR, java.sql.Types.VARCHAR, java.sql.Types.LONGVARCHAR, java.sql.Types.NCHAR,
                 java.sql.Types.NVARCHAR, java.sql.Types.CLOB, java.sql.Types.OTHER -> DataTypes.StringType;
            default -> DataTypes.NullType;
        };
    }

    /**
     * The WHERE clause of this run's extract: above the high-water mark (when there is one) and at
     * or below the cutoff (incremental), or nothing (snapshot).
     */
    String condition(List<Column> columns, List<String> highWaterMark, Instant cutoff, String upperBound) {
        if (jdbc.mode() == JdbcMode.SNAPSHOT) {
            return "";
        }
        List<String> parts = new ArrayList<>();
        List<String> wm = jdbc.watermark();
        Column first = column(columns, wm.get(0));
        if (first.sparkType().equals(DataTypes.TimestampType) || first.sparkType().equals(DataTypes.DateType)) {
            parts.add(first.spec().from() + " <= " + literal(first, cutoff.toString()));
        } else if (upperBound != null) {
            parts.add(first.spec().from() + " <= " + literal(first, upperBound));
        }
        if (highWaterMark != null) {
            parts.add(above(columns, highWaterMark));
        }
        return parts.isEmpty() ? "" : " WHERE " + String.join(" AND ", parts);
    }

    /**
     * The rows above a high-water mark, as an SQL condition: {@code (w1, w2, ...) > (h1, h2, ...)},
     * spelled out so that any database reads it.
     */
    public String above(List<Column> columns, List<String> highWaterMark) {
        List<String> wm = jdbc.watermark();
        List<String> above = new ArrayList<>();
        for (int i = 0; i < wm.size(); i++) {
            List<String> term = new ArrayList<>();
            for (int j = 0; j < i; j++) {
                Column c = column(columns, wm.get(j));
                term.add(c.spec().from() + " = " + literal(c, highWaterMark.get(j)));
            }
            Column c = column(columns, wm.get(i));
            term.add(c.spec().from() + " > " + literal(c, highWaterMark.get(i)));
            above.add("(" + String.join(" AND ", term) + ")");
        }
        return "(" + String.join(" OR ", above) + ")";
    }

    /** For a watermark that is not a time: its largest value now, which bounds this run as the cutoff does a time. */
    String upperBound(Connection connection, List<Column> columns) throws SQLException {
        if (jdbc.mode() == JdbcMode.SNAPSHOT) {
            return null;
        }
        Column first = column(columns, jdbc.watermark().get(0));
        if (first.sparkType().equals(DataTypes.TimestampType) || first.sparkType().equals(DataTypes.DateType)) {
            return null;
        }
        try (Statement st = connection.createStatement();
             ResultSet rs = st.executeQuery("SELECT max(" + first.spec().from() + ") FROM " + relation())) {
            rs.next();
            Object max = rs.getObject(1);
            return max == null ? null : max.toString();
        }
    }

    /** The extract's SQL. */
    public String extractSql(String condition) {
        return "SELECT " + selectList() + " FROM " + relation() + condition;
    }

    /** The rows of the extract, read by {@code partitions} connections when a partition column is set. */
    public Dataset<Row> read(SparkSession spark, Connection connection, String sql) throws SQLException {
        DataFrameReader reader = spark.read().format("jdbc").option("url", jdbc.url())
                .option("fetchsize", jdbc.fetchSize()).option("dbtable", "(" + sql + ") extract");
        properties().forEach((k, v) -> reader.option(k.toString(), v.toString()));
        if (jdbc.partitionColumn() != null && jdbc.partitions() > 1) {
            String column = table.column(jdbc.partitionColumn()).orElseThrow().name();
            try (Statement st = connection.createStatement();
                 ResultSet rs = st.executeQuery("SELECT min(" + column + "), max(" + column + ") FROM (" + sql
                         + ") bounds")) {
                rs.next();
                Object min = rs.getObject(1);
                Object max = rs.getObject(2);
                if (min != null) {
                    reader.option("partitionColumn", column).option("lowerBound", bound(min))
                            .option("upperBound", bound(max)).option("numPartitions", jdbc.partitions());
                }
            }
        }
        return reader.load();
    }

    /** A bound as Spark's partitioned JDBC read takes it: a number, a date or a timestamp as text. */
    private static String bound(Object value) {
        if (value instanceof Timestamp t) {
            return t.toString();
        }
        if (value instanceof java.time.OffsetDateTime t) {
            return Timestamp.from(t.toInstant()).toString();
        }
        return value.toString();
    }

    /**
     * A stored watermark value as an SQL literal of its column's type. Values were read from the
     * database by a previous extract; numbers are re-parsed and text is quoted, so nothing stored
     * can become SQL.
     */
    private static String literal(Column column, String value) {
        DataType type = column.sparkType();
        if (type.equals(DataTypes.TimestampType)) {
            Instant instant = Instant.parse(value);
            if (column.databaseType().toLowerCase(Locale.ROOT).contains("tz")) {
                return "CAST('" + instant + "' AS TIMESTAMP WITH TIME ZONE)";
            }
            // A timestamp without zone was read in this JVM's zone, as the driver does; written back the same way.
            return "CAST('" + Timestamp.from(instant).toLocalDateTime() + "' AS TIMESTAMP)";
        }
        if (type.equals(DataTypes.DateType)) {
            String day = value.length() > 10 ? Instant.parse(value).atZone(java.time.ZoneOffset.UTC).toLocalDate().toString()
                    : java.time.LocalDate.parse(value).toString();
            return "CAST('" + day + "' AS DATE)";
        }
        if (type.equals(DataTypes.StringType)) {
            return "'" + value.replace("'", "''") + "'";
        }
        if (type.equals(DataTypes.BooleanType)) {
            return Boolean.parseBoolean(value) ? "TRUE" : "FALSE";
        }
        return new BigDecimal(value).toPlainString();
    }

    private static Column column(List<Column> columns, String name) {
        return columns.stream().filter(c -> c.spec().name().equals(name)).findFirst().orElseThrow();
    }

    private Properties properties() {
        Properties props = new Properties();
        if (jdbc.user() != null && !jdbc.user().isEmpty()) {
            props.setProperty("user", jdbc.user());
        }
        if (jdbc.password() != null && !jdbc.password().isEmpty()) {
            props.setProperty("password", jdbc.password());
        }
        return props;
    }

    String where() {
        return JdbcUrls.hostAndPort(jdbc.url());
    }

    private static String firstLine(Throwable e) {
        String message = e == null || e.getMessage() == null ? String.valueOf(e) : e.getMessage();
        return message.lines().findFirst().orElse(message);
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new JdbcSourceException("interrupted while waiting to reach the database", e);
        }
    }
}
