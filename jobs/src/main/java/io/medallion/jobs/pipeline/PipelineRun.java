package io.medallion.jobs.pipeline;

import io.medallion.run.ExitCode;
import io.medallion.run.JobRunner;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * One run of the pipeline over its run dates: every stage's run, in order, and the exit code.
 *
 * @param stages each stage run of each date, then maintain's; the failed stage is the last
 */
public record PipelineRun(String runId, String pipeline, List<LocalDate> runDates, Instant startedAt,
                          Instant endedAt, int exitCode, List<JobRunner.Run> stages) {
    public PipelineRun {
        runDates = List.copyOf(runDates);
        stages = List.copyOf(stages);
    }

    /** As the ledger writes statuses: succeeded, failed or quality_failed. */
    public String status() {
        return switch (exitCode) {
            case ExitCode.OK -> "succeeded";
            case ExitCode.QUALITY_GATE -> "quality_failed";
            default -> "failed";
        };
    }

    public Duration duration() {
        return Duration.between(startedAt, endedAt);
    }

    /** The run dates as one label: 2024-01-01, or 2024-01-01..2024-01-03 for a backfill. */
    public String dates() {
        return runDates.size() == 1 ? runDates.get(0).toString()
                : runDates.get(0) + ".." + runDates.get(runDates.size() - 1);
    }
}
