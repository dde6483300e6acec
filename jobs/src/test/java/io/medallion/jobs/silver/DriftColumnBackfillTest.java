package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.config.PipelineSpec;
import io.medallion.config.PipelineSpecLoader;
import io.medallion.jobs.bronze.BronzeIngestJob;
import io.medallion.jobs.sample.GeneratorSettings;
import io.medallion.jobs.sample.TpchLandingGenerator;
import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import io.medallion.testing.TestLedger;
import io.medallion.testing.TestSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator's schema drift, taken in later: its customer events carry {@code c_loyalty_tier},
 * which the TPC-H spec does not declare. Bronze and silver run as usual; then the column is added
 * to the spec (an overlay with the customer schema plus it) and {@code silver --backfill-columns}
 * fills it. Expected values come from the landing files, read by Spark's own JSON reader: each
 * silver row gets the tier of the event (key and sequence number) that wrote it.
 */
class DriftColumnBackfillTest {
    private static final double SCALE = 0.002;

    @TempDir
    Path dir;

    @Test
    void addingTheDriftColumnAndBackfillingGivesEveryCustomerItsEventsTier() throws Exception {
        SparkSession spark = TestSpark.session();
        Path landing = dir.resolve("landing");
        GeneratorSettings d = GeneratorSettings.defaults();
        GeneratorSettings settings = new GeneratorSettings(SCALE, 2, d.seed(), d.startDate(), Map.of(),
                d.rowsPerFile(), d.format());
        new TpchLandingGenerator(settings, FileSystem.getLocal(new Configuration()),
                new org.apache.hadoop.fs.Path(landing.toUri())).generate();
        Map<String, String> env = Map.of("MEDALLION_LAKE_ROOT", dir.resolve("lake").toString(),
                "MEDALLION_LANDING_ROOT", landing.toString());
        Path tpch = Path.of("..", "conf", "pipelines", "tpch.yaml").toAbsolutePath().normalize();
        PipelineSpec before = new PipelineSpecLoader(env, dir).load(tpch, "local");
        LocalDate last = settings.batchDate(1);
        List<io.medallion.config.TableSpec> customer = List.of(before.tables().get("customer"));
        for (LocalDate day : List.of(settings.batchDate(0), last)) {
            assertThat(new JobRunner(before).runIn(spark, new BronzeIngestJob(), customer, day)).isZero();
        }
        assertThat(new JobRunner(before).runIn(spark, new SilverJob(), customer, last)).isEqualTo(ExitCode.OK);

        Path overlay = dir.resolve("tier.yaml");
        StringBuilder schema = new StringBuilder("tables:\n  customer:\n    schema:\n");
        before.tables().get("customer").schema().forEach(c -> schema.append("      - {name: ").append(c.name())
                .append(", type: '").append(c.type().sparkType().simpleString()).append("'")
                .append(c.pii() == io.medallion.config.Pii.NONE ? "" : ", pii: " + c.pii().name().toLowerCase())
                .append(c.required() ? ", required: true" : "").append("}\n"));
        schema.append("      - {name: ").append(TpchLandingGenerator.DRIFT_COLUMN).append(", type: string}\n");
        Files.writeString(overlay, schema.toString());
        PipelineSpec after = new PipelineSpecLoader(env, dir).load(tpch, "local," + overlay);
        assertThat(after.tables().get("customer").column(TpchLandingGenerator.DRIFT_COLUMN)).isPresent();
        List<io.medallion.config.TableSpec> widened = List.of(after.tables().get("customer"));
        assertThat(new JobRunner(after).runIn(spark, new ColumnBackfill(), widened, last)).isZero();

        String lake = dir.resolve("lake").toString();
        Dataset<Row> silver = spark.read().format("delta").load(lake + "/silver/customer")
                .select(col("c_custkey"), col(ChangeFeedApplier.SEQ), col(TpchLandingGenerator.DRIFT_COLUMN).as("got"));
        Dataset<Row> events = spark.read().json(landing.resolve("customer").toString() + "/*/*.jsonl")
                .where(col("after.c_custkey").isNotNull())
                .select(col("after.c_custkey").cast("bigint").as("c_custkey"), col("seq").cast("bigint").as("_seq"),
                        col("after." + TpchLandingGenerator.DRIFT_COLUMN).as("want"))
                .dropDuplicates("c_custkey", "_seq");
        Dataset<Row> compared = silver.join(events, io.medallion.interop.Scala.seq(List.of("c_custkey", "_seq")),
                "left_outer");
        long rows = silver.count();
        long carried = compared.where(col("want").isNotNull()).count();
        assertThat(compared.where(col("want").isNull().and(col("got").isNotNull())
                .or(col("want").isNotNull().and(col("got").isNull().or(col("got").notEqual(col("want")))))).count())
                .as("silver rows whose tier is not their event's").isZero();
        assertThat(carried).as("customers whose latest event carried a tier").isPositive().isLessThan(rows);
        Row backfill = TestLedger.last(spark, lake, "silver-backfill", "customer");
        assertThat(backfill.<Long>getAs("rows_written")).isEqualTo(carried);

        assertThat(new JobRunner(after).runIn(spark, new ColumnBackfill(), widened, last)).isZero();
        assertThat(TestLedger.last(spark, lake, "silver-backfill", "customer").<Long>getAs("rows_written")).isZero();
    }
}
