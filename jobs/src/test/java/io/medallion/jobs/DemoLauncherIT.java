package io.medallion.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code deploy/bin/medallion demo} as a newcomer runs it: through the launcher, end to end. */
class DemoLauncherIT {
    @Test
    void theDemoRunsEndToEndAndPrintsTheSummary() throws Exception {
        CliProcess.Result demo = DemoLake.run();
        assertThat(demo.exitCode()).as(demo.toString()).isZero();
        assertThat(demo.stdout()).contains("Rows per layer and table", "Quarantined rows by rule", "order_exists",
                "gold.fact_sales", "60,175", "for 2 batch date(s)", "Quality checks on 2024-01-02", "Report: ",
                "-quality-", "The lake is at", "medallion sql");
        System.out.printf("demo through the launcher: %.1f s%n", demo.millis() / 1000.0);
    }
}
