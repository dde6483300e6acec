package io.medallion.jobs.quality;

import com.amazon.deequ.VerificationResult;
import com.amazon.deequ.VerificationSuite;
import com.amazon.deequ.analyzers.Analyzer;
import com.amazon.deequ.anomalydetection.AnomalyDetector;
import com.amazon.deequ.anomalydetection.DataPoint;
import com.amazon.deequ.anomalydetection.DetectionResult;
import com.amazon.deequ.anomalydetection.RelativeRateOfChangeStrategy;
import com.amazon.deequ.analyzers.Size;
import com.amazon.deequ.checks.Check;
import com.amazon.deequ.checks.CheckLevel;
import com.amazon.deequ.checks.CheckResult;
import com.amazon.deequ.checks.CheckWithLastConstraintFilterable;
import com.amazon.deequ.constraints.ConstraintResult;
import com.amazon.deequ.constraints.ConstraintStatus;
import com.amazon.deequ.metrics.Metric;
import com.amazon.deequ.suggestions.ConstraintSuggestion;
import com.amazon.deequ.suggestions.ConstraintSuggestionResult;
import com.amazon.deequ.suggestions.ConstraintSuggestionRunner;
import com.amazon.deequ.suggestions.Rules;
import io.medallion.config.ConstraintSpec;
import io.medallion.interop.Scala;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The one place that speaks Deequ's Scala API. Each declared constraint becomes one Deequ
 * {@link Check} holding one constraint, and all of a table's checks run as one verification, so
 * Deequ computes their metrics in a shared scan of the table. The rest of the code sees only
 * {@link ConstraintSpec} in and {@link ConstraintOutcome} out.
 */
final class DeequChecks {
    private DeequChecks() {
    }

    /** The outcomes in declaration order, and the table's row count, measured in the same scan. */
    record Verification(List<ConstraintOutcome> outcomes, long rowCount) {
    }

    /** Runs {@code constraints} (neither references nor anomaly) on {@code data} as one verification. */
    static Verification verify(Dataset<Row> data, List<ConstraintSpec> constraints) {
        Map<Check, ConstraintSpec> checks = new LinkedHashMap<>();
        for (ConstraintSpec c : constraints) {
            checks.put(check(c), c);
        }
        Size size = new Size(Scala.none());
        VerificationResult result = new VerificationSuite().onData(data)
                .addChecks(Scala.seq(new ArrayList<>(checks.keySet())))
                .addRequiredAnalyzer((Analyzer<?, Metric<?>>) (Analyzer<?, ?>) size).run();
        Map<Check, CheckResult> results = Scala.map(result.checkResults());
        Metric<?> rows = Scala.map(result.metrics()).get(size);
        long rowCount = rows == null || rows.value().isFailure() ? -1 : ((Number) rows.value().get()).longValue();
        List<ConstraintOutcome> outcomes = new ArrayList<>();
        checks.forEach((check, spec) -> {
            ConstraintResult r = Scala.list(results.get(check).constraintResults()).get(0);
            boolean passed = r.status() == ConstraintStatus.Success();
            Double value = metricValue(r);
            String message = passed ? "" : value == null
                    ? (r.message().isDefined() ? r.message().get() : "failed") : explain(spec, value);
            outcomes.add(new ConstraintOutcome(spec, passed, value, message));
        });
        return new Verification(outcomes, rowCount);
    }

    /**
     * Whether {@code value} is an anomaly after {@code history} (oldest first, not empty) by
     * Deequ's relative rate of change against the previous point: it may fall to
     * {@code 1 - maxDecrease} and rise to {@code 1 + maxIncrease} times that value.
     */
    static boolean anomalous(List<Double> history, double value, OptionalDouble maxDecrease,
                             OptionalDouble maxIncrease) {
        var lowest = maxDecrease.isPresent() ? Scala.<Object>some(1 - maxDecrease.getAsDouble()) : Scala.none();
        var highest = maxIncrease.isPresent() ? Scala.<Object>some(1 + maxIncrease.getAsDouble()) : Scala.none();
        AnomalyDetector detector = new AnomalyDetector(new RelativeRateOfChangeStrategy(lowest, highest, 1));
        List<DataPoint<Object>> points = new ArrayList<>();
        for (int i = 0; i < history.size(); i++) {
            points.add(new DataPoint<>(i, Scala.some(history.get(i))));
        }
        DetectionResult result = detector.isNewPointAnomalous(Scala.seq(points),
                new DataPoint<>(history.size(), Scala.some(value)));
        return !result.anomalies().isEmpty();
    }

    /** A constraint Deequ's profiler suggests for a column, as Deequ writes it in Scala. */
    record Suggestion(String column, String rule, String code, String description) {
    }

    /** Profiles {@code data} and returns Deequ's extended constraint suggestions, column by column. */
    static List<Suggestion> suggest(Dataset<Row> data) {
        // Deequ's profiler prints notes ("Unable to map type DateType") on System.out; Main sends
        // those to standard error, so standard output keeps only the suggested YAML.
        ConstraintSuggestionResult result =
                ConstraintSuggestionRunner.apply().onData(data).addConstraintRules(Rules.EXTENDED()).run();
        List<Suggestion> suggestions = new ArrayList<>();
        Scala.map(result.constraintSuggestions()).forEach((column, list) -> {
            for (ConstraintSuggestion s : Scala.list(list)) {
                suggestions.add(new Suggestion(column, s.suggestingRule().getClass().getSimpleName(),
                        s.codeForConstraint(), s.description()));
            }
        });
        return suggestions;
    }

    /** Why a constraint with a measured value failed, in the spec's own terms. */
    static String explain(ConstraintSpec c, double value) {
        return switch (c.kind()) {
            case SIZE, SUM, MEAN, APPROX_DISTINCT, MIN, MAX -> String.format("measured %s, allowed %s to %s",
                    number(value), c.min().isPresent() ? number(c.min().getAsDouble()) : "any",
                    c.max().isPresent() ? number(c.max().getAsDouble()) : "any");
            default -> String.format("%.4f of rows comply, at least %s required", value, number(c.minFraction()));
        };
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.format("%,.0f", v) : String.valueOf(v);
    }

    private static Double metricValue(ConstraintResult r) {
        if (r.metric().isEmpty()) {
            return null;
        }
        Metric<?> metric = r.metric().get();
        if (metric.value().isFailure()) {
            return null;
        }
        Object v = metric.value().get();
        return v instanceof Number n ? n.doubleValue() : null;
    }

    static Check check(ConstraintSpec c) {
        var level = c.severity() == ConstraintSpec.Severity.ERROR ? CheckLevel.Error() : CheckLevel.Warning();
        Check check = new Check(level, c.name(), Scala.seq(List.of()));
        String column = c.columns().isEmpty() ? null : c.columns().get(0);
        var fraction = Scala.predicate(v -> v >= c.minFraction());
        var bounds = Scala.predicate(v -> (c.min().isEmpty() || v >= c.min().getAsDouble())
                && (c.max().isEmpty() || v <= c.max().getAsDouble()));
        var none = Scala.<String>none();
        CheckWithLastConstraintFilterable constraint = switch (c.kind()) {
            case SIZE -> check.hasSize(bounds, none);
            case COMPLETE -> check.hasCompleteness(column, fraction, none, Scala.none());
            case UNIQUE -> check.hasUniqueness(Scala.seq(c.columns()), fraction);
            case ALLOWED_VALUES -> check.isContainedIn(column, c.values().toArray(new String[0]), fraction, none);
            case MIN -> check.hasMin(column, bounds, none, Scala.none());
            case MAX -> check.hasMax(column, bounds, none, Scala.none());
            case RANGE -> check.satisfies(quoted(column) + " IS NULL OR " + quoted(column) + " BETWEEN "
                    + c.min().getAsDouble() + " AND " + c.max().getAsDouble(), c.name(), fraction, none,
                    Scala.immutableList(c.columns()), Scala.none());
            case PATTERN -> check.hasPattern(column, Scala.regex(c.regex()), fraction, none, none,
                    Scala.none());
            case EMAIL -> check.containsEmail(column, fraction, none);
            case NON_NEGATIVE -> check.isNonNegative(column, fraction, none);
            case SUM -> check.hasSum(column, bounds, none);
            case MEAN -> check.hasMean(column, bounds, none);
            case APPROX_DISTINCT -> check.hasApproxCountDistinct(column, bounds, none);
            case PREDICATE -> check.satisfies(c.predicate(), c.name(), fraction, none, Scala.immutableList(List.of()),
                    Scala.none());
            case REFERENCES, ANOMALY -> throw new IllegalArgumentException(c.kind().specName()
                    + " is not a constraint on the table's rows");
        };
        return c.where().isEmpty() ? constraint : constraint.where(c.where());
    }

    private static String quoted(String column) {
        return "`" + column.replace("`", "``") + "`";
    }
}
