package io.medallion.jobs.quality;

import io.medallion.config.ConstraintKind;
import io.medallion.config.ConstraintSpec;
import io.medallion.lake.LakeCatalog;
import io.medallion.lake.Layer;
import io.medallion.lake.TableRef;
import io.medallion.run.Job;
import io.medallion.run.JobContext;
import io.medallion.run.JobDatasets;
import io.medallion.run.PerTable;
import io.medallion.run.TableOutcome;
import io.medallion.run.TableStatus;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.medallion.config.TableSpec;
import java.time.Clock;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code medallion quality}: runs each selected table's declared constraints as one Deequ
 * verification (one shared scan of the table), plus a join per {@code references} constraint,
 * and appends the outcomes to {@code ops.quality_results} and the measured values to
 * {@code ops.quality_metrics}, with an HTML and a JSON report under {@code ops/quality_reports}. A failed {@code error} constraint
 * fails the table's quality gate (exit 3); a failed {@code warning} is logged and recorded only.
 * Silver's run also checks the freshness of the tables that declare it ({@link Freshness}), recorded
 * in {@code ops.quality_results} as a constraint named {@code freshness}: past {@code error_after}
 * the gate fails, past {@code warn_after} a warning is logged.
 */
public final class QualityJob implements Job {
    private static final Logger LOG = LoggerFactory.getLogger(QualityJob.class);
    private static final int PARALLELISM = 2;

    private final Layer layer;
    private final Map<TableRef, List<ConstraintSpec>> suites;
    private final Map<TableRef, TableSpec> freshness;
    private final Freshness freshnessCheck;

    /**
     * @param layer the layer checked, for the pipeline's output
     * @param suites the constraints per table, in the order to report them
     */
    public QualityJob(Layer layer, Map<TableRef, List<ConstraintSpec>> suites) {
        this(layer, suites, List.of(), Clock.systemUTC());
    }

    /**
     * @param fresh the spec tables whose freshness to check as well (silver only)
     * @param clock the time freshness is judged at
     */
    public QualityJob(Layer layer, Map<TableRef, List<ConstraintSpec>> suites, List<TableSpec> fresh, Clock clock) {
        this.layer = layer;
        Map<TableRef, List<ConstraintSpec>> all = new LinkedHashMap<>(suites);
        Map<TableRef, TableSpec> checked = new LinkedHashMap<>();
        for (TableSpec t : fresh) {
            if (t.freshness().declared()) {
                checked.put(TableRef.silver(t.name()), t);
                all.putIfAbsent(TableRef.silver(t.name()), List.of());
            }
        }
        this.suites = Collections.unmodifiableMap(all);
        this.freshness = Collections.unmodifiableMap(checked);
        this.freshnessCheck = new Freshness(clock);
    }

    /** Whether the job has anything to check. */
    public boolean isEmpty() {
        return suites.isEmpty();
    }

    @Override
    public String name() {
        return "quality";
    }

    @Override
    public String stage() {
        return layer + " quality";
    }

    /** The tables checked; the results go to ops.* only. */
    @Override
    public JobDatasets datasets(JobContext context) {
        return JobDatasets.of(context.lake(), List.of(), List.copyOf(suites.keySet()), List.of());
    }

    @Override
    public List<String> targets(JobContext context) {
        return suites.keySet().stream().map(TableRef::toString).toList();
    }

    @Override
    public List<TableOutcome> run(JobContext context) {
        LakeCatalog catalog = new LakeCatalog(context.spark(), context.lake());
        List<Row> results = Collections.synchronizedList(new ArrayList<>());
        List<Row> metrics = Collections.synchronizedList(new ArrayList<>());
        Map<String, QualityReport.TableSection> sections = new java.util.concurrent.ConcurrentHashMap<>();
        List<TableOutcome> outcomes = PerTable.each(List.copyOf(suites.keySet()), TableRef::toString, PARALLELISM,
                table -> check(context, catalog, table, suites.get(table), results, metrics, sections));
        QualityResults.results(context).append(results);
        if (!metrics.isEmpty()) {
            QualityResults.metrics(context).append(metrics);
            String report = QualityReports.write(context, targets(context), sections);
            LOG.info("quality report: {}.html (and .json)", report);
        }
        return outcomes;
    }

    private TableOutcome check(JobContext context, LakeCatalog catalog, TableRef ref,
                               List<ConstraintSpec> constraints, List<Row> results, List<Row> metrics,
                               Map<String, QualityReport.TableSection> sections) {
        String table = ref.toString();
        TableOutcome.Builder outcome = TableOutcome.builder(table);
        List<String> errors = new ArrayList<>();
        int warnings = 0;
        TableSpec fresh = freshness.get(ref);
        if (fresh != null) {
            Freshness.Result r = freshnessCheck.check(fresh, context.spark().sparkContext().hadoopConfiguration(),
                    context.lake(), context.spark());
            results.add(QualityResults.freshness(context, table, r));
            outcome.metric("freshness", r.status().specName());
            switch (r.status()) {
                case ERROR -> {
                    errors.add("freshness: " + r.message());
                    LOG.error("freshness failed: {}", r.message());
                }
                case WARNING -> {
                    warnings++;
                    LOG.warn("freshness, warning only: {}", r.message());
                }
                case FRESH -> LOG.info("freshness: {}", r.message());
            }
        }
        if (constraints.isEmpty()) {
            outcome.metric("warnings", warnings);
            return (errors.isEmpty() ? outcome : outcome.status(TableStatus.QUALITY_FAILED)
                    .message(String.join("; ", errors))).build();
        }
        if (!catalog.exists(ref)) {
            return outcome.status(TableStatus.FAILED).message(table + " does not exist yet; run the job that "
                    + "builds it first").build();
        }
        long start = System.nanoTime();
        Dataset<Row> data = context.spark().read().format("delta").load(catalog.path(ref));
        requireColumns(table, data, constraints);
        List<ConstraintSpec> deequ = constraints.stream()
                .filter(c -> c.kind() != ConstraintKind.REFERENCES && c.kind() != ConstraintKind.ANOMALY).toList();
        DeequChecks.Verification verification = DeequChecks.verify(data, deequ);
        List<ConstraintOutcome> all = new ArrayList<>(verification.outcomes());
        for (ConstraintSpec c : constraints) {
            if (c.kind() == ConstraintKind.REFERENCES) {
                Dataset<Row> referenced = context.spark().read().format("delta").load(catalog.path(c.referencedTable().orElseThrow()));
                all.add(ReferentialIntegrity.check(data, c, referenced));
            }
        }
        List<ConstraintOutcome> measured = List.copyOf(all);
        for (ConstraintSpec c : constraints) {
            if (c.kind() == ConstraintKind.ANOMALY) {
                all.add(Anomalies.check(context, table, c, verification.rowCount(), measured));
            }
        }
        results.addAll(QualityResults.results(context, table, all));
        metrics.addAll(QualityResults.metrics(context, table, verification.rowCount(), all));
        sections.put(table, new QualityReport.TableSection(table, verification.rowCount(), all, List.of()));

        for (ConstraintOutcome o : all) {
            if (o.passed()) {
                continue;
            }
            if (o.failsTheGate()) {
                errors.add(o.spec().name() + ": " + o.message());
                LOG.error("{}: {} failed (value {}): {}", table, o.spec().name(), o.metricValue(), o.message());
            } else {
                warnings++;
                LOG.warn("{}: {} failed, warning only (value {}): {}", table, o.spec().name(), o.metricValue(),
                        o.message());
            }
        }
        LOG.info("{}: {} constraint(s) on {} rows: {} passed, {} error(s), {} warning(s), in {} s", table, all.size(),
                verification.rowCount(), all.size() - errors.size() - warnings, errors.size(), warnings,
                String.format("%.1f", (System.nanoTime() - start) / 1e9));
        outcome.rowsRead(verification.rowCount()).metric("constraints", all.size())
                .metric("errors", errors.size()).metric("warnings", warnings);
        if (!errors.isEmpty()) {
            outcome.status(TableStatus.QUALITY_FAILED).message(String.join("; ", errors));
        }
        return outcome.build();
    }

    /** A constraint on a column the table does not have is a spec mistake; say so before Deequ does, less clearly. */
    private static void requireColumns(String table, Dataset<Row> data, List<ConstraintSpec> constraints) {
        Set<String> columns = Set.of(data.columns());
        for (ConstraintSpec c : constraints) {
            for (String column : c.columns()) {
                if (!columns.contains(column)) {
                    throw new IllegalArgumentException("constraint " + c.name() + " on " + table + " names column '"
                            + column + "', which the table does not have (columns: " + String.join(", ",
                            data.columns()) + ")");
                }
            }
        }
    }
}
