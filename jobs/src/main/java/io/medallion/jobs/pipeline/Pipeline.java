package io.medallion.jobs.pipeline;

import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.jobs.bronze.BronzeIngestJob;
import io.medallion.jobs.gold.GoldJob;
import io.medallion.jobs.maintain.MaintainJob;
import io.medallion.jobs.reconcile.ReconcileJob;
import io.medallion.jobs.silver.SilverJob;
import io.medallion.run.ExitCode;
import io.medallion.run.Job;
import io.medallion.run.JobRunner;
import io.medallion.jobs.ops.RunOutputs;
import io.medallion.run.RunIds;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import io.medallion.config.ConstraintSpec;
import io.medallion.jobs.quality.QualityJob;
import io.medallion.lake.Layer;
import io.medallion.lake.TableRef;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stages in order, bronze -> silver -> reconcile -> quality -> gold -> quality, for each run date in turn,
 * then maintain once for the last date when the spec has a maintenance section, in one Spark
 * session. The first stage that does not exit 0 stops the pipeline and its exit code is the
 * pipeline's.
 */
public final class Pipeline {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    /** How one stage of one date ended. */
    public record StageResult(LocalDate runDate, String stage, int exitCode, long millis) {
    }

    private final PipelineSpec spec;
    private final List<TableSpec> tables;
    private final JobRunner runner;
    private final Clock clock;

    public Pipeline(PipelineSpec spec, List<TableSpec> tables) {
        this(spec, tables, Clock.systemUTC());
    }

    /** @param clock the time freshness is judged at */
    public Pipeline(PipelineSpec spec, List<TableSpec> tables, Clock clock) {
        this.spec = spec;
        this.tables = List.copyOf(tables);
        this.runner = new JobRunner(spec);
        this.clock = clock;
    }

    /**
     * The stages that run, in order: bronze, silver, the reconciliation of the database tables
     * whose spec has a reconcile section, then the silver quality gate when the spec declares
     * constraints on silver tables, gold when it declares models, then the gold quality gate. A
     * failed gate (exit 3) stops the pipeline before the next layer is built from bad data.
     */
    public List<Job> stages() {
        List<Job> stages = new ArrayList<>(List.of(new BronzeIngestJob(), new SilverJob()));
        List<TableSpec> reconciled = tables.stream().filter(t -> t.reconcile().declared()).toList();
        if (!reconciled.isEmpty()) {
            stages.add(new ReconcileJob(reconciled, Layer.SILVER, LOG::info));
        }
        addQualityGate(stages, Layer.SILVER);
        if (!spec.gold().isEmpty()) {
            stages.add(new GoldJob(List.copyOf(spec.gold().values()), false));
            addQualityGate(stages, Layer.GOLD);
        }
        return stages;
    }

    /** The layer's gate: its constraints, and for silver the freshness of the pipeline's tables. */
    private void addQualityGate(List<Job> stages, Layer layer) {
        Map<TableRef, List<ConstraintSpec>> suites = spec.quality(layer);
        QualityJob gate = new QualityJob(layer, suites, layer == Layer.SILVER ? tables : List.of(), clock);
        if (!gate.isEmpty()) {
            stages.add(gate);
        }
    }

    /**
     * Maintenance, when the spec declares it: of the tables this pipeline writes. It runs once after
     * the last date, not per date: it is about the tables' files, and a backfill of many dates
     * would otherwise compact and vacuum after each of them.
     */
    public List<Job> finalStages() {
        if (!spec.maintenanceDeclared()) {
            return List.of();
        }
        List<TableRef> written = new ArrayList<>();
        for (TableRef table : MaintainJob.allTables(spec)) {
            if (table.layer() == Layer.GOLD || tables.stream().anyMatch(t -> t.name().equals(table.name()))) {
                written.add(table);
            }
        }
        return List.of(new MaintainJob(written, false, ""));
    }

    /**
     * Runs every stage of every date, then the final stages, and publishes the run ({@link RunOutputs}:
     * ops.pipeline_runs, the report, metrics, alerts).
     *
     * @return 0, or the exit code of the first stage that failed
     */
    public int run(SparkSession spark, List<LocalDate> runDates, Consumer<StageResult> onStage) {
        Instant startedAt = Instant.now();
        String runId = RunIds.next("pipeline", startedAt);
        List<JobRunner.Run> runs = new ArrayList<>();
        int exit = ExitCode.OK;
        // A spec change the lake cannot take (a new key, a narrowed type) stops the pipeline before bronze.
        for (Job stage : stages()) {
            List<String> refusals = runner.refusals(spark, stage, tables, runDates.get(0));
            if (!refusals.isEmpty()) {
                refusals.forEach(r -> LOG.error("pipeline refused: {}", r));
                return ExitCode.USAGE;
            }
        }
        for (LocalDate date : runDates) {
            exit = runStages(spark, stages(), date, onStage, runs);
            if (exit != ExitCode.OK) {
                break;
            }
        }
        if (exit == ExitCode.OK) {
            exit = runStages(spark, finalStages(), runDates.get(runDates.size() - 1), onStage, runs);
        }
        PipelineRun run = new PipelineRun(runId, spec.name(), runDates, startedAt, Instant.now(), exit, runs);
        new RunOutputs(spec, tables).publish(spark, run);
        return exit;
    }

    private int runStages(SparkSession spark, List<Job> stages, LocalDate date, Consumer<StageResult> onStage,
                          List<JobRunner.Run> runs) {
        for (Job stage : stages) {
            long start = System.nanoTime();
            JobRunner.Run run = runner.run(spark, stage, tables, date);
            runs.add(run);
            int exit = run.exitCode();
            onStage.accept(new StageResult(date, stage.stage(), exit, (System.nanoTime() - start) / 1_000_000));
            if (exit != ExitCode.OK) {
                LOG.error("pipeline stopped: {} for {} exited {}", stage.name(), date, exit);
                return exit;
            }
        }
        return ExitCode.OK;
    }
}
