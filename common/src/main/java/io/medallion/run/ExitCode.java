package io.medallion.run;

/** The process exit codes an orchestrator sees. Stable: scripts and DAGs depend on them. */
public final class ExitCode {
    /** Every table succeeded. */
    public static final int OK = 0;
    /** The job failed; retrying may help. */
    public static final int FAILED = 1;
    /** Bad arguments or configuration; Spark was not started; retrying will not help. */
    public static final int USAGE = 2;
    /** A quality gate failed: the data, not the job, needs attention. */
    public static final int QUALITY_GATE = 3;

    private ExitCode() {
    }
}
