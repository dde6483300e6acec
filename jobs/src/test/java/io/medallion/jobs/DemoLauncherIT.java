package io.medallion.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deploy/bin/medallion demo} as a newcomer runs it: through the launcher, end to end. */
class DemoLauncherIT {
    @TempDir
    Path dir;

    @Test
    void theDemoRunsEndToEndAndPrintsTheSummary() throws Exception {
        CliProcess cli = new CliProcess(dir, Map.of("MEDALLION_LAKE_ROOT", dir.resolve("lake").toString(),
                "MEDALLION_LANDING_ROOT", dir.resolve("landing").toString()));
        CliProcess.Result demo = cli.launcher("demo");
        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        assertThat(demo.stdout()).contains("Rows per layer and table", "Quarantined rows by rule", "order_exists",
                "gold.fact_sales", "60,175", "for 2 batch date(s)", "Quality checks on 2024-01-02", "Report: ",
                "-quality-", "The lake is at", "medallion sql");
        System.out.printf("demo through the launcher: %.1f s%n", demo.millis() / 1000.0);
    }
}
