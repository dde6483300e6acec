package io.medallion.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code deploy/bin/medallion demo} as a newcomer runs it: through the launcher, end to end. */
class DemoLauncherIT {
    @Test
    void theDemoRunsEndToEndAndPrintsTheSummary() throws Exception {
        CliProcess.Result demo = DemoLake.run();
        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        assertThat(demo.stdout()).contains("Rows per layer and table", "Quarantined rows by rule", "order_exists",
                "gold.fact_sales", "60,175", "for 2 batch date(s)", "Quality checks on 2024-01-02", "Report: ",
                "-quality-", "The lake is at", "medallion sql", "Run report: ");
        System.out.printf("demo through the launcher: %.1f s%n", demo.millis() / 1000.0);
    }

    /** status, status --json and freshness on the demo's lake, each as its own process. */
    @Test
    void statusAndFreshnessDescribeTheDemoLake() throws Exception {
        Path lake = Path.of(java.net.URI.create(DemoLake.lake()));
        CliProcess cli = new CliProcess(lake.getParent(), Map.of("MEDALLION_LAKE_ROOT", lake.toString(),
                "MEDALLION_LANDING_ROOT", lake.resolveSibling("landing").toString()));
        CliProcess.Result text = cli.launcher("status");
        assertThat(text.exitCode()).as(text.toString()).isZero();
        assertThat(text.stdout()).contains("last run ", "-pipeline-", "(2024-01-01..2024-01-02): succeeded", "report ")
                .containsPattern("lineitem +silver +succeeded +\\S+ +60,750 +60,175 +fresh \\(0\\.\\d h\\) +passed \\(13\\)")
                .containsPattern("gold\\.fact_sales +gold +succeeded +\\S+ +60,175 ")
                .containsPattern("gold\\.nation_revenue_rank +gold +succeeded +\\S+ +175 ")
                .contains("(13 rows)");
        System.out.printf("status on the demo lake: %.1f s%n", text.millis() / 1000.0);

        CliProcess.Result json = cli.launcher("status", "--json");
        assertThat(json.exitCode()).as(json.toString()).isZero();
        JsonNode status = new ObjectMapper().readTree(json.stdout());
        assertThat(status.get("last_run").get("status").asText()).isEqualTo("succeeded");
        Path report = Path.of(java.net.URI.create(status.get("last_run").get("report").asText()));
        assertThat(report).exists();
        assertThat(Files.readString(report)).contains("Timeline", "silver.lineitem", "order_exists");
        JsonNode lineitem = status.get("tables").get(0);
        assertThat(lineitem.get("table").asText()).isEqualTo("lineitem");
        assertThat(lineitem.get("rows").get("silver").asLong()).isEqualTo(60_175);
        assertThat(lineitem.get("freshness").get("status").asText()).isEqualTo("fresh");
        assertThat(lineitem.get("quarantine_rates")).hasSize(2);
        assertThat(lineitem.get("quarantine_rates").get(0).asDouble()).isBetween(0.001, 0.02);

        // Two days after the demo's load, lineitem is past error_after (50h): exit 3, without Spark.
        CliProcess.Result stale = cli.launcher("freshness", "--table", "lineitem", "--at",
                java.time.Instant.parse(lineitem.get("freshness").get("loaded_at").asText())
                        .plus(java.time.Duration.ofHours(51)).toString());
        assertThat(stale.exitCode()).as(stale.toString()).isEqualTo(3);
        assertThat(stale.stdout()).containsPattern("lineitem +error +\\S+ +51\\.0 h +26\\.0 h +50\\.0 h +ingest");
        assertThat(stale.stderr()).doesNotContain("SparkContext");
        System.out.printf("freshness on the demo lake: %.1f s%n", stale.millis() / 1000.0);
    }
}
