package io.medallion.jobs.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.medallion.config.ConstraintKind;
import io.medallion.lake.TableRef;
import io.medallion.config.ConstraintSpec;
import io.medallion.config.ConstraintSpec.Severity;
import io.medallion.testing.TestSpark;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every constraint kind on a table where it holds and one where it does not: the status, the
 * measured value and the message. All of a table's Deequ constraints run as one verification.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConstraintKindsTest {
    private static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.IntegerType)
            .add("qty", DataTypes.DoubleType)
            .add("flag", DataTypes.StringType)
            .add("email", DataTypes.StringType)
            .add("price", DataTypes.DoubleType);

    private SparkSession spark;
    private Dataset<Row> good;
    private Dataset<Row> bad;

    @BeforeAll
    void data() {
        spark = TestSpark.session();
        good = frame(new Object[][] {
            {1, 1.0, "A", "a@example.com", 10.0},
            {2, 5.0, "N", "b@example.org", 20.0},
            {3, 50.0, "R", "c@example.net", 60.0},
            {4, 7.0, "A", "d@example.com", 40.0}});
        bad = frame(new Object[][] {
            {1, 0.0, "A", "a@example.com", 10.0},
            {1, -5.0, "X", "not-an-email", 20.0},
            {3, 60.0, "Y", "c@example.net", -30.0},
            {4, null, null, null, 40.0},
            {5, 2.0, "Z", "e@example.com", 10.0}});
    }

    private Dataset<Row> frame(Object[][] rows) {
        List<Row> list = new ArrayList<>();
        for (Object[] r : rows) {
            list.add(RowFactory.create(r));
        }
        return spark.createDataFrame(list, SCHEMA);
    }

    private static ConstraintSpec spec(ConstraintKind kind, List<String> columns, Double min, Double max,
                                       double minFraction, List<String> values, String regex, String predicate) {
        return new ConstraintSpec(kind.specName(), kind, Severity.ERROR, columns,
                min == null ? OptionalDouble.empty() : OptionalDouble.of(min),
                max == null ? OptionalDouble.empty() : OptionalDouble.of(max), minFraction, values, regex, predicate,
                Optional.empty(), List.of(), "", OptionalDouble.empty(), OptionalDouble.empty(), "");
    }

    private static Arguments kind(ConstraintKind kind, ConstraintSpec spec, Double badValue) {
        return Arguments.of(kind, spec, badValue);
    }

    /** Each kind with settings the good table meets and the bad one does not, and the bad table's measured value. */
    Stream<Arguments> kinds() {
        List<String> none = List.of();
        return Stream.of(
                kind(ConstraintKind.SIZE, spec(ConstraintKind.SIZE, none, 1.0, 4.0, 1, none, "", ""), 5.0),
                kind(ConstraintKind.COMPLETE, spec(ConstraintKind.COMPLETE, List.of("qty"), null, null, 1, none, "",
                        ""), 0.8),
                kind(ConstraintKind.UNIQUE, spec(ConstraintKind.UNIQUE, List.of("id"), null, null, 1, none, "", ""),
                        0.6),
                kind(ConstraintKind.ALLOWED_VALUES, spec(ConstraintKind.ALLOWED_VALUES, List.of("flag"), null, null, 1,
                        List.of("A", "N", "R"), "", ""), 0.4),
                kind(ConstraintKind.MIN, spec(ConstraintKind.MIN, List.of("qty"), 1.0, null, 1, none, "", ""), -5.0),
                kind(ConstraintKind.MAX, spec(ConstraintKind.MAX, List.of("qty"), null, 50.0, 1, none, "", ""), 60.0),
                kind(ConstraintKind.RANGE, spec(ConstraintKind.RANGE, List.of("qty"), 1.0, 50.0, 1, none, "", ""),
                        0.4),
                kind(ConstraintKind.PATTERN, spec(ConstraintKind.PATTERN, List.of("email"), null, null, 1, none,
                        "^[a-z]+@example\\.(com|org|net)$", ""), null),
                kind(ConstraintKind.EMAIL, spec(ConstraintKind.EMAIL, List.of("email"), null, null, 1, none, "", ""),
                        null),
                kind(ConstraintKind.NON_NEGATIVE, spec(ConstraintKind.NON_NEGATIVE, List.of("price"), null, null, 1,
                        none, "", ""), 0.8),
                kind(ConstraintKind.SUM, spec(ConstraintKind.SUM, List.of("price"), 90.0, null, 1, none, "", ""),
                        50.0),
                kind(ConstraintKind.MEAN, spec(ConstraintKind.MEAN, List.of("price"), 20.0, 40.0, 1, none, "", ""),
                        10.0),
                kind(ConstraintKind.APPROX_DISTINCT, spec(ConstraintKind.APPROX_DISTINCT, List.of("flag"), null, 3.0,
                        1, none, "", ""), 4.0),
                kind(ConstraintKind.PREDICATE, spec(ConstraintKind.PREDICATE, none, null, null, 1, none, "",
                        "qty <= price"), 0.6));
    }

    @Test
    void theTableCoversEveryKind() {
        Set<ConstraintKind> covered = EnumSet.noneOf(ConstraintKind.class);
        kinds().forEach(a -> covered.add((ConstraintKind) a.get()[0]));
        covered.add(ConstraintKind.REFERENCES); // below, against a second table
        covered.add(ConstraintKind.ANOMALY); // QualityJobTest, against the metrics history
        assertThat(covered).containsExactlyInAnyOrder(ConstraintKind.values());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kinds")
    void holdsOnTheGoodTableAndFailsOnTheBadOne(ConstraintKind kind, ConstraintSpec spec, Double badValue) {
        ConstraintOutcome ok = DeequChecks.verify(good, List.of(spec)).outcomes().get(0);
        assertThat(ok.passed()).as("%s on the good table: %s", kind, ok.message()).isTrue();
        assertThat(ok.message()).isEmpty();

        ConstraintOutcome failed = DeequChecks.verify(bad, List.of(spec)).outcomes().get(0);
        assertThat(failed.passed()).as("%s on the bad table", kind).isFalse();
        assertThat(failed.failsTheGate()).isTrue();
        assertThat(failed.message()).isNotBlank();
        assertThat(failed.message()).as("says what was measured against what").containsAnyOf("of rows comply",
                "measured");
        assertThat(failed.metricValue()).as("%s measured value", kind).isNotNull();
        if (badValue != null) {
            assertThat(failed.metricValue()).isCloseTo(badValue, within(1e-9));
        } else {
            assertThat(failed.metricValue()).isLessThan(1.0);
        }
    }

    @Test
    void aTablesConstraintsRunTogetherAndAWarningDoesNotFailTheGate() {
        ConstraintSpec complete = spec(ConstraintKind.COMPLETE, List.of("qty"), null, null, 1, List.of(), "", "");
        ConstraintSpec warning = new ConstraintSpec("flags", ConstraintKind.ALLOWED_VALUES, Severity.WARNING,
                List.of("flag"), OptionalDouble.empty(), OptionalDouble.empty(), 1, List.of("A", "N", "R"), "", "",
                Optional.empty(), List.of(), "", OptionalDouble.empty(), OptionalDouble.empty(), "");
        ConstraintSpec lenient = spec(ConstraintKind.COMPLETE, List.of("email"), null, null, 0.75, List.of(), "", "");
        DeequChecks.Verification verification = DeequChecks.verify(bad, List.of(complete, warning, lenient));
        assertThat(verification.rowCount()).isEqualTo(5);
        List<ConstraintOutcome> outcomes = verification.outcomes();
        assertThat(outcomes).extracting(o -> o.spec().name()).containsExactly("complete", "flags", "complete");
        assertThat(outcomes).extracting(ConstraintOutcome::passed).containsExactly(false, false, true);
        assertThat(outcomes).extracting(ConstraintOutcome::failsTheGate).containsExactly(true, false, false);
    }

    @Test
    void whereLimitsTheRowsChecked() {
        ConstraintSpec all = spec(ConstraintKind.COMPLETE, List.of("qty"), null, null, 1, List.of(), "", "");
        ConstraintSpec exceptFour = new ConstraintSpec("complete(qty) where", ConstraintKind.COMPLETE, Severity.ERROR,
                List.of("qty"), OptionalDouble.empty(), OptionalDouble.empty(), 1, List.of(), "", "", Optional.empty(),
                List.of(), "", OptionalDouble.empty(), OptionalDouble.empty(), "id <> 4");
        List<ConstraintOutcome> outcomes = DeequChecks.verify(bad, List.of(all, exceptFour)).outcomes();
        assertThat(outcomes).extracting(ConstraintOutcome::passed).containsExactly(false, true);
    }

    @Test
    void referencesHoldsWhenEveryKeyIsFoundAndMeasuresTheShareFound() {
        Dataset<Row> ids = spark.createDataFrame(Arrays.asList(RowFactory.create(1), RowFactory.create(2),
                RowFactory.create(3), RowFactory.create(4)), new StructType().add("key", DataTypes.IntegerType));
        ConstraintSpec references = new ConstraintSpec("references(id)", ConstraintKind.REFERENCES, Severity.ERROR,
                List.of("id"), OptionalDouble.empty(), OptionalDouble.empty(), 1, List.of(), "", "", Optional.of(TableRef.silver("keys")),
                List.of("key"), "", OptionalDouble.empty(), OptionalDouble.empty(), "");
        assertThat(ReferentialIntegrity.check(good, references, ids).passed()).isTrue();
        ConstraintOutcome failed = ReferentialIntegrity.check(bad, references, ids);
        assertThat(failed.passed()).isFalse();
        assertThat(failed.metricValue()).isCloseTo(0.8, within(1e-9));
        assertThat(failed.message()).contains("1 of 5 rows have a id not found in silver.keys (key)");
    }
}
