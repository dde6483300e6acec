package io.medallion.jobs.cli;

import io.medallion.config.Values;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import picocli.CommandLine.Option;

/** The run date, which every job and the pipeline take. */
public final class JobOptions {
    @Option(names = "--run-date", paramLabel = "YYYY-MM-DD",
            description = {"The logical date of the run: the batches up to this date are processed",
                "(default: today, UTC)."})
    LocalDate runDate;

    @Option(names = "--wait", paramLabel = "DURATION",
            description = {"How long to wait for a table another run is writing, as 30s, 10m or 1h (default: 0,",
                "exit 1 at once naming that run). Writers lock each table they write; readers never wait."})
    String lockWait;

    Duration lockWait() {
        return lockWait == null ? Duration.ZERO : Values.parseDuration(lockWait);
    }

    LocalDate runDateOrToday() {
        return runDate != null ? runDate : LocalDate.now(ZoneOffset.UTC);
    }
}
