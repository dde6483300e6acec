package io.medallion.jobs.cli;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.row_number;

import io.medallion.config.PipelineSpec;
import io.medallion.config.PipelineSpecLoader;
import io.medallion.jobs.pipeline.Pipeline;
import io.medallion.jobs.reconcile.ReconcileJob;
import io.medallion.jobs.sample.TpchDatabaseLoader;
import io.medallion.lake.LakePaths;
import io.medallion.run.ExitCode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * {@code medallion demo --source postgres}: a PostgreSQL of its own (run from the embedded
 * binaries, for this demo only), loaded batch by batch with TPC-H orders and customers and their
 * changes ({@code generate --to-jdbc}), the pipeline of {@code conf/pipelines/tpch-postgres.yaml}
 * after each batch, and the reconciliation of the lake with the database at the end.
 */
final class PostgresDemo {
    static final String SPEC = "conf/pipelines/tpch-postgres.yaml";
    /** Short, so the demo need not wait minutes; a real database keeps the default. */
    private static final Duration LAG = Duration.ofSeconds(2);
    private static final double SCALE = 0.01;

    private final Path specFile;
    private final String env;
    private final PrintWriter out;

    PostgresDemo(Path specFile, String env, PrintWriter out) {
        this.specFile = specFile;
        this.env = env;
        this.out = out;
    }

    int run(SparkSession spark, int batches, LocalDate firstDate) throws Exception {
        long start = System.nanoTime();
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
            String url = "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
            out.println("Started PostgreSQL for this demo on port " + pg.getPort() + ": " + url + " (stopped at the end)");
            Map<String, String> environment = new HashMap<>(System.getenv());
            environment.put("MEDALLION_SOURCE_URL", url);
            environment.put("MEDALLION_SOURCE_USER", "postgres");
            environment.put("MEDALLION_SOURCE_PASSWORD", "");
            environment.put("MEDALLION_SOURCE_LAG", LAG.toSeconds() + "s");
            PipelineSpec spec = new PipelineSpecLoader(environment, Path.of("")).load(specFile, env);
            Properties login = new Properties();
            login.setProperty("user", "postgres");
            TpchDatabaseLoader loader = new TpchDatabaseLoader(url, login, SCALE, batches, LAG);
            Pipeline pipeline = new Pipeline(spec, List.copyOf(spec.tables().values()));
            int exit = ExitCode.OK;
            for (int b = 1; b <= batches && exit == ExitCode.OK; b++) {
                TpchDatabaseLoader.BatchSummary s = loader.load(b, true);
                out.printf("Batch %d into PostgreSQL: %,d orders (%,d committed late), %,d orders updated, %,d customers "
                                + "(%,d updated, %,d deleted) in %.1f s%n", b, s.ordersInserted(), s.lateOrders(),
                        s.ordersUpdated(), s.customersInserted(), s.customersUpdated(), s.customersDeleted(), s.seconds());
                out.flush();
                // The extract stops the lag behind its start: wait it out, so this batch is taken now.
                Thread.sleep(LAG.toMillis() + 500);
                exit = pipeline.run(spark, List.of(firstDate.plusDays(b - 1)), PipelineCommand.stageLines(out, "  "));
            }
            printReconciliation(spark, new LakePaths(spec.storage().lakeRoot()));
            out.printf("%nThe lake is in %s; the database is gone with the demo. The demo took %.0f s; exit code %d.%n",
                    spec.storage().lakeRoot(), (System.nanoTime() - start) / 1e9, exit);
            return exit;
        }
    }

    /** The last reconciliation of each table, as ops.reconciliation holds it. */
    private void printReconciliation(SparkSession spark, LakePaths lake) {
        String path = lake.ops(ReconcileJob.TABLE);
        if (!io.delta.tables.DeltaTable.isDeltaTable(spark, path)) {
            out.println("No reconciliation ran.");
            return;
        }
        out.printf("%nReconciliation of the lake with PostgreSQL (ops.reconciliation):%n");
        out.printf("  %-16s %11s %9s %8s %8s %6s %10s  %s%n", "table", "source rows", "lake rows", "pending", "missing",
                "extra", "different", "result");
        List<Row> rows = spark.read().format("delta").load(path)
                .withColumn("_n", row_number().over(Window.partitionBy("table_name", "layer")
                        .orderBy(col("reconciled_at").desc())))
                .where("_n = 1").orderBy("table_name").collectAsList();
        for (Row r : rows) {
            out.printf("  %-16s %,11d %,9d %,8d %,8d %,6d %,10d  %s%n", r.<String>getAs("layer") + "." + r.getAs("table_name"),
                    r.<Long>getAs("source_rows"), r.<Long>getAs("lake_rows"), r.<Long>getAs("pending_rows"),
                    r.<Long>getAs("missing_keys"), r.<Long>getAs("extra_keys"), r.<Long>getAs("different_keys"),
                    r.<Boolean>getAs("passed") ? "equal" : "DIFFERENT");
        }
    }
}
