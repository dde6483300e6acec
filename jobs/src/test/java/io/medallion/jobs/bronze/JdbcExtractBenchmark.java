package io.medallion.jobs.bronze;

import io.medallion.jobs.CliProcess;
import io.medallion.jobs.TestPostgres;
import java.io.OutputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/**
 * The database-source benchmark ({@code deploy/bench/jdbc.sh}): TPC-H {@code lineitem} landing
 * files loaded into an embedded PostgreSQL with {@code COPY}, then, in one run: {@code COPY ... TO
 * STDOUT} of the table to a file through the driver's {@code CopyManager} (the floor: the fastest
 * the database hands its rows out), and bronze's extract of the same table with 1 and with 4
 * partitions, each into a fresh lake. Prints rows/s of each and the extract / COPY ratios.
 * Usage: {@code JdbcExtractBenchmark LINEITEM_FOLDER WORK_DIR}.
 */
public final class JdbcExtractBenchmark {
    private static final String PASSWORD = "bench-password";
    private static final String COLUMNS = "l_orderkey, l_partkey, l_suppkey, l_linenumber, l_quantity, l_extendedprice, "
            + "l_discount, l_tax, l_returnflag, l_linestatus, l_shipdate, l_commitdate, l_receiptdate, l_shipinstruct, "
            + "l_shipmode, l_comment";

    private JdbcExtractBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path landing = Path.of(args[0]);
        Path work = Path.of(args[1]);
        TestPostgres.execute("CREATE ROLE bench LOGIN PASSWORD '" + PASSWORD + "'", "CREATE SCHEMA tpch", """
                CREATE TABLE tpch.lineitem (l_orderkey bigint, l_partkey bigint, l_suppkey bigint, l_linenumber int,
                  l_quantity numeric(15,2), l_extendedprice numeric(15,2), l_discount numeric(15,2), l_tax numeric(15,2),
                  l_returnflag text, l_linestatus text, l_shipdate date, l_commitdate date, l_receiptdate date,
                  l_shipinstruct text, l_shipmode text, l_comment text, line_end text)""");
        long loadStart = System.nanoTime();
        long rows = 0;
        try (Connection c = TestPostgres.server().getPostgresDatabase().getConnection();
             Stream<Path> files = Files.walk(landing)) {
            CopyManager copy = c.unwrap(PGConnection.class).getCopyAPI();
            for (Path f : files.filter(p -> p.toString().endsWith(".tbl")).sorted().toList()) {
                try (Reader in = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
                    // dbgen ends each line with the delimiter: the empty last field goes to a spare column.
                    rows += copy.copyIn("COPY tpch.lineitem FROM STDIN WITH (FORMAT text, DELIMITER '|')", in);
                }
            }
        }
        TestPostgres.execute("ALTER TABLE tpch.lineitem DROP COLUMN line_end", "ANALYZE tpch.lineitem",
                "GRANT USAGE ON SCHEMA tpch TO bench", "GRANT SELECT ON ALL TABLES IN SCHEMA tpch TO bench");
        System.out.printf("loaded %,d rows into PostgreSQL in %.1f s%n", rows, (System.nanoTime() - loadStart) / 1e9);

        long copyStart = System.nanoTime();
        Path dump = work.resolve("lineitem.copy");
        try (Connection c = TestPostgres.server().getPostgresDatabase().getConnection();
             OutputStream out = Files.newOutputStream(dump)) {
            c.unwrap(PGConnection.class).getCopyAPI().copyOut("COPY (SELECT " + COLUMNS + " FROM tpch.lineitem) TO STDOUT", out);
        }
        double copySeconds = (System.nanoTime() - copyStart) / 1e9;
        System.out.printf("COPY TO STDOUT: %.1f s, %,.0f rows/s, %.0f MB%n", copySeconds, rows / copySeconds,
                Files.size(dump) / 1e6);
        Files.delete(dump);

        Path spec = work.resolve("conf/pipelines/bench.yaml");
        Files.createDirectories(spec.getParent());
        Files.createDirectories(work.resolve("conf/env"));
        Files.writeString(work.resolve("conf/env/local.yaml"), "spark: {profile: local}\n");
        String schema = Files.readAllLines(Path.of("..", "conf", "pipelines", "tpch.yaml").toAbsolutePath().normalize())
                .stream().dropWhile(l -> !l.startsWith("  lineitem:")).dropWhile(l -> !l.startsWith("    schema:"))
                .skip(1).takeWhile(l -> l.startsWith("      - {name: l_")).reduce("", (a, b) -> a + b + "\n");
        // The whole table's time (connection, type check, the first Delta writes of a cold JVM, the
        // proof), and of it the extract and append alone, each against COPY.
        System.out.printf("%-12s %10s %10s %12s %10s %10s %10s%n", "extract", "rows", "seconds", "rows/s", "vs COPY",
                "append_s", "vs COPY");
        CliProcess cli = new CliProcess(work, Map.of("BENCH_PASSWORD", PASSWORD, "MEDALLION_HOME", work.toString()));
        for (int partitions : List.of(1, 4)) {
            Files.writeString(spec, """
                    storage: {lake_root: %s, landing_root: %s}
                    tables:
                      lineitem:
                        source: {format: jdbc, url: "%s", user: bench, password: "${BENCH_PASSWORD}", table: tpch.lineitem,
                                 mode: snapshot, partition_column: l_orderkey, partitions: %d}
                        schema:
                    %s    key: [l_orderkey, l_linenumber]
                    """.formatted(work.resolve("lake-" + partitions), work.resolve("landing"), TestPostgres.url(),
                    partitions, schema));
            CliProcess.Result r = cli.run("bronze", "--pipeline", spec.toString(), "--run-date", "2024-01-01");
            Matcher m = Pattern.compile("lineitem: (\\d+) rows extracted into bronze in ([0-9.]+) s").matcher(r.stderr());
            if (r.exitCode() != 0 || !m.find()) {
                throw new IllegalStateException("the extract failed: " + r);
            }
            double seconds = Double.parseDouble(m.group(2));
            Matcher phase = Pattern.compile("extract and append ([0-9.]+) s").matcher(r.stderr());
            double append = phase.find() ? Double.parseDouble(phase.group(1)) : Double.NaN;
            long extracted = Long.parseLong(m.group(1));
            System.out.printf("%-12s %,10d %10.1f %,12.0f %9.2fx %10.1f %9.2fx%n",
                    partitions + " partition" + (partitions > 1 ? "s" : ""), extracted, seconds, extracted / seconds,
                    seconds / copySeconds, append, append / copySeconds);
        }
        bareSpark(work.resolve("bare"), rows, copySeconds);
        reconcileAgainstAScan(cli, spec, work.resolve("lake-4"));
        TestPostgres.server().close();
    }

    /**
     * The peer: Spark's own JDBC reader into Delta with the same 4 partitions and bounds, no
     * medallion around it (no type check, watermark, proof or ledger), in a warmed-up session.
     */
    private static void bareSpark(Path target, long rows, double copySeconds) {
        org.apache.spark.sql.SparkSession spark = io.medallion.testing.TestSpark.session();
        spark.range(1).write().format("delta").save(target.resolveSibling("warm-up").toString());
        long start = System.nanoTime();
        Object max = TestPostgres.value("SELECT max(l_orderkey) FROM tpch.lineitem");
        spark.read().format("jdbc").option("url", TestPostgres.url()).option("user", "bench")
                .option("password", PASSWORD).option("dbtable", "(SELECT " + COLUMNS + " FROM tpch.lineitem) t")
                .option("fetchsize", 10_000).option("partitionColumn", "l_orderkey").option("lowerBound", 1)
                .option("upperBound", max.toString()).option("numPartitions", 4).load()
                .write().format("delta").save(target.toString());
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("%-12s %,10d %10.1f %,12.0f %9.2fx   (Spark's JDBC reader into Delta, 4 partitions)%n",
                "bare Spark", rows, seconds, rows / seconds, seconds / copySeconds);
    }

    /**
     * Silver from the 4-partition extract, then {@code reconcile} of it with the database, against
     * one aggregation scan of the silver table in a Spark session of its own.
     */
    private static void reconcileAgainstAScan(CliProcess cli, Path spec, Path lake) throws Exception {
        CliProcess.Result silver = cli.run("silver", "--pipeline", spec.toString(), "--run-date", "2024-01-01");
        if (silver.exitCode() != 0) {
            throw new IllegalStateException("silver failed: " + silver);
        }
        CliProcess.Result reconcile = cli.run("reconcile", "--pipeline", spec.toString(), "--run-date", "2024-01-01");
        Matcher took = Pattern.compile("job=\"reconcile\".*seconds=\"([0-9.]+)\"").matcher(reconcile.stderr());
        if (reconcile.exitCode() != 0 || !took.find()) {
            throw new IllegalStateException("reconcile failed: " + reconcile);
        }
        double reconcileSeconds = Double.parseDouble(took.group(1));
        org.apache.spark.sql.SparkSession spark = io.medallion.testing.TestSpark.session();
        String path = lake.resolve("silver/lineitem").toString();
        spark.read().format("delta").load(path).limit(1).collectAsList(); // the session and Delta warmed up
        long scanStart = System.nanoTime();
        spark.read().format("delta").load(path).selectExpr("count(*)", "sum(l_extendedprice)", "max(l_comment)")
                .collectAsList();
        double scanSeconds = (System.nanoTime() - scanStart) / 1e9;
        System.out.printf("reconcile silver.lineitem with PostgreSQL: %.1f s; one aggregation scan of silver.lineitem: "
                + "%.1f s; ratio %.1fx%n", reconcileSeconds, scanSeconds, reconcileSeconds / scanSeconds);
    }
}
