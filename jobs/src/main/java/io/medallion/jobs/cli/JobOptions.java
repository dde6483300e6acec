package io.medallion.jobs.cli;

import java.time.LocalDate;
import java.time.ZoneOffset;
import picocli.CommandLine.Option;

/** The run date, which every job and the pipeline take. */
public final class JobOptions {
    @Option(names = "--run-date", paramLabel = "YYYY-MM-DD",
            description = {"The logical date of the run: the batches up to this date are processed",
                "(default: today, UTC)."})
    LocalDate runDate;

    LocalDate runDateOrToday() {
        return runDate != null ? runDate : LocalDate.now(ZoneOffset.UTC);
    }
}
