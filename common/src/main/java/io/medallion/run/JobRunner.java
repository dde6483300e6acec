package io.medallion.run;

import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.lineage.JobLineage;
import io.medallion.spark.SparkSessions;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.logging.log4j.ThreadContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one life cycle of every command that starts Spark, and of every job run in it. A command's
 * session: built from the spec and {@code --conf}, the command's body run, the session always
 * stopped ({@link #inSession}). A job's run: close abandoned ledger rows, open ledger rows, run,
 * one event per table, close ledger rows, exit code ({@link #runIn}). Arguments and the spec are
 * validated before either is called, so a usage error never starts Spark.
 */
public final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    private final PipelineSpec spec;
    /**
     * The job and target pairs whose abandoned ledger rows this runner has closed, and whose rows
     * its own runs have closed since: a pipeline checks each pair once per process, not per stage
     * and date (runs of one job on one table never overlap, so nothing else can leave one open).
     */
    private final Set<String> settled = ConcurrentHashMap.newKeySet();

    public JobRunner(PipelineSpec spec) {
        this.spec = spec;
    }

    /** What a command does with its session; returns the process exit code. */
    @FunctionalInterface
    public interface SessionBody {
        int run(SparkSession spark) throws Exception;
    }

    /**
     * Starts the session the spec and {@code overrides} describe, runs {@code body} in it and stops
     * it, whatever happens. A failure to start Spark, or an exception from the body, goes to
     * {@code problems} as its most telling line (the stack trace to the log) and exits 1.
     *
     * @param overrides {@code --conf k=v} from the command line
     */
    public static int inSession(PipelineSpec spec, String appName, Map<String, String> overrides, SessionBody body,
                                Consumer<String> problems) {
        Instant startedAt = Instant.now();
        SparkSession spark;
        try {
            spark = SparkSessions.create(spec.spark(), appName, overrides);
        } catch (RuntimeException e) {
            LOG.debug("could not start Spark", e);
            problems.accept("could not start Spark: " + rootMessage(e).lines().findFirst().orElse(""));
            return ExitCode.FAILED;
        }
        LOG.info("Spark {} session ready ({} profile, master {}) in {} ms; {} ms since the JVM started",
                spark.version(), spec.spark().profile().name().toLowerCase(java.util.Locale.ROOT),
                spark.sparkContext().master(), Duration.between(startedAt, Instant.now()).toMillis(),
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
        try {
            return body.run(spark);
        } catch (Exception e) {
            LOG.debug("{} failed", appName, e);
            problems.accept(rootMessage(e).lines().findFirst().orElse(""));
            return ExitCode.FAILED;
        } finally {
            spark.stop();
        }
    }

    /**
     * How one job run ended, for what a pipeline run reports afterwards.
     *
     * @param outcomes per target, as the ledger closed them; empty when the run failed before that
     */
    public record Run(String runId, String job, String stage, LocalDate runDate, Instant startedAt, Instant endedAt,
                      int exitCode, List<TableOutcome> outcomes) {
        public Run {
            outcomes = List.copyOf(outcomes);
        }
    }

    /**
     * Runs {@code job} in an existing session (several stages of a pipeline share one) and returns
     * its exit code; the session is left running.
     */
    public int runIn(SparkSession spark, Job job, List<TableSpec> tables, LocalDate runDate) {
        return run(spark, job, tables, runDate).exitCode();
    }

    /** {@link #runIn}, telling how the run ended. */
    public Run run(SparkSession spark, Job job, List<TableSpec> tables, LocalDate runDate) {
        Instant startedAt = Instant.now();
        String runId = RunIds.next(job.name(), startedAt);
        ThreadContext.put("run_id", runId);
        ThreadContext.put("job", job.name());
        EventLog events = new EventLog(runId, job.name());
        JobContext context = new JobContext(runId, job.name(), runDate, startedAt, spec, tables, spark, events);
        List<String> targets = job.targets(context);
        List<String> refusals = job.refusals(context);
        if (!refusals.isEmpty()) {
            refusals.forEach(r -> LOG.error("{} refused: {}", job.name(), r));
            ThreadContext.clearMap();
            String why = String.join("; ", refusals);
            return new Run(runId, job.name(), job.stage(), runDate, startedAt, Instant.now(), ExitCode.USAGE,
                    targets.stream().map(t -> TableOutcome.failed(t, why)).toList());
        }
        LOG.info("{} run {} for run date {} on {}; lake {}", job.name(), runId, runDate, String.join(", ", targets),
                spec.storage().lakeRoot());
        RunLedger ledger = new RunLedger(spark, context.lake().ops(RunLedger.TABLE));
        JobLineage lineage = JobLineage.start(context, job);
        try {
            List<String> unsettled = targets.stream().filter(t -> !settled.contains(settledKey(job, t))).toList();
            JobContext opening = context;
            Runnable open = () -> {
                long abandoned = ledger.closeAbandoned(job.name(), unsettled, runId);
                if (abandoned > 0) {
                    LOG.warn("closed {} ledger row(s) of an earlier {} run that ended without closing as failed",
                            abandoned, job.name());
                }
                ledger.open(opening, targets);
            };
            if (job.readsWhileLedgerOpens()) {
                context = context.withLedgerOpen(PerTable.alongside("ledger-open", open));
            } else {
                open.run();
            }
            List<TableOutcome> outcomes = runJob(job, context, targets);
            context.awaitLedgerOpen();
            Instant endedAt = Instant.now();
            for (TableOutcome o : outcomes) {
                events.table(o, Duration.between(startedAt, endedAt));
            }
            ledger.close(context, outcomes, endedAt);
            targets.forEach(t -> settled.add(settledKey(job, t)));
            int exit = exitCode(outcomes);
            LOG.info("{} run {} finished with exit code {} in {} ms", job.name(), runId, exit,
                    Duration.between(startedAt, Instant.now()).toMillis());
            lineage.end(exit, outcomes, endedAt, null);
            return new Run(runId, job.name(), job.stage(), runDate, startedAt, endedAt, exit, outcomes);
        } catch (Exception e) {
            // The ledger may hold this run's rows open: the next run must look for them again.
            targets.forEach(t -> settled.remove(settledKey(job, t)));
            LOG.error("{} run {} failed: {}", job.name(), runId, rootMessage(e), e);
            List<TableOutcome> failed = targets.stream().map(t -> TableOutcome.failed(t, rootMessage(e))).toList();
            lineage.end(ExitCode.FAILED, failed, Instant.now(), rootMessage(e));
            return new Run(runId, job.name(), job.stage(), runDate, startedAt, Instant.now(), ExitCode.FAILED, failed);
        } finally {
            ThreadContext.clearMap();
        }
    }

    /**
     * What {@code job} would refuse to do for these tables ({@link Job#refusals}), asked before it
     * runs: a pipeline asks every stage before its first stage starts.
     */
    public List<String> refusals(SparkSession spark, Job job, List<TableSpec> tables, LocalDate runDate) {
        Instant now = Instant.now();
        return job.refusals(new JobContext(RunIds.next(job.name(), now), job.name(), runDate, now, spec, tables, spark,
                new EventLog(RunIds.next(job.name(), now), job.name())));
    }

    private static String settledKey(Job job, String target) {
        return job.name() + '\u0000' + target;
    }

    /** Runs the job; targets it did not report on are failed with the reason. */
    private static List<TableOutcome> runJob(Job job, JobContext context, List<String> targets) {
        List<TableOutcome> reported = new ArrayList<>();
        String failure = "the job did not report on this table";
        try {
            reported.addAll(job.run(context));
        } catch (Exception e) {
            failure = rootMessage(e);
            LOG.error("{} failed: {}", job.name(), failure, e);
        }
        Map<String, TableOutcome> byTable = new LinkedHashMap<>();
        for (String t : targets) {
            byTable.put(t, null);
        }
        for (TableOutcome o : reported) {
            byTable.put(o.table(), o);
        }
        List<TableOutcome> outcomes = new ArrayList<>();
        for (Map.Entry<String, TableOutcome> e : byTable.entrySet()) {
            outcomes.add(e.getValue() != null ? e.getValue() : TableOutcome.failed(e.getKey(), failure));
        }
        return outcomes;
    }

    static int exitCode(List<TableOutcome> outcomes) {
        boolean quality = false;
        for (TableOutcome o : outcomes) {
            if (o.status() == TableStatus.FAILED || o.status() == TableStatus.RUNNING) {
                return ExitCode.FAILED;
            }
            quality |= o.status() == TableStatus.QUALITY_FAILED;
        }
        return quality ? ExitCode.QUALITY_GATE : ExitCode.OK;
    }

    /** The most telling message of an exception: its own, or its root cause's when it has none. */
    public static String rootMessage(Throwable e) {
        if (e.getMessage() != null && !e.getMessage().isBlank()) {
            return e.getMessage();
        }
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }
}
