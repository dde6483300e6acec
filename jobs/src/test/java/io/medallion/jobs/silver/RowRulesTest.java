package io.medallion.jobs.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.config.ColumnSpec;
import io.medallion.config.ColumnType;
import io.medallion.config.RuleAction;
import io.medallion.config.RuleSpec;
import io.medallion.config.SourceFormat;
import io.medallion.config.SourceSpec;
import io.medallion.config.TableSpec;
import io.medallion.testing.TestSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Every rule kind, passing and broken, on a handful of typed rows. */
class RowRulesTest {
    private static final SparkSession SPARK = TestSpark.session();

    private static ColumnSpec column(String name, String type, boolean required) {
        return new ColumnSpec(name, ColumnType.parse(type).orElseThrow(), required);
    }

    private static final List<ColumnSpec> SCHEMA = List.of(column("id", "bigint", true),
            column("qty", "decimal(15,2)", true), column("flag", "string", false), column("phone", "string", false),
            column("shipped", "date", false), column("received", "date", false), column("parent", "bigint", false));

    private static TableSpec table(List<RuleSpec> rules) {
        return new TableSpec("t", new SourceSpec(SourceFormat.DELIMITED, "t", "*", "|", true), SCHEMA, List.of("id"),
                List.of(), List.of(), Optional.empty(), rules, 0.05);
    }

    private static Dataset<Row> rows(Object[]... values) {
        StructType schema = new StructType();
        for (ColumnSpec c : SCHEMA) {
            schema = schema.add(c.name(), c.type().sparkType(), true);
        }
        List<Row> list = new java.util.ArrayList<>();
        for (Object[] v : values) {
            list.add(RowFactory.create(v));
        }
        return SPARK.createDataFrame(list, schema);
    }

    private static Object[] row(long id, String qty, String flag, String phone, String shipped, String received,
                                Long parent) {
        return new Object[] {id, qty == null ? null : new BigDecimal(qty), flag, phone,
            shipped == null ? null : Date.valueOf(shipped), received == null ? null : Date.valueOf(received), parent};
    }

    /** Violations and disposition by id. */
    private static Map<Long, String> outcome(Dataset<Row> evaluated) {
        Map<Long, String> result = new HashMap<>();
        for (Row r : evaluated.collectAsList()) {
            result.put(r.<Long>getAs("id"), r.getList(r.fieldIndex(RowRules.VIOLATIONS)) + " "
                    + r.getAs(RowRules.DISPOSITION));
        }
        return result;
    }

    private static final Dataset<Row> PARENTS = SPARK.range(1, 4).toDF("key");

    @Test
    void everyRuleKindPassesAndBreaks() {
        TableSpec t = table(List.of(
                new RuleSpec.Range("qty_range", RuleAction.QUARANTINE, "qty", "1", "50"),
                new RuleSpec.Allowed("flag_domain", RuleAction.QUARANTINE, "flag", List.of("R", "A", "N")),
                new RuleSpec.Pattern("phone_format", RuleAction.QUARANTINE, "phone", "[0-9]{2}-[0-9]{3}"),
                new RuleSpec.Check("shipped_first", RuleAction.QUARANTINE, "shipped <= received"),
                new RuleSpec.References("parent_exists", RuleAction.QUARANTINE, "parent", "p", "key")));
        Map<Long, String> out = outcome(RowRules.evaluate(rows(
                row(1, "17.00", "R", "25-989", "1996-01-01", "1996-01-05", 1L),
                row(2, "-3.00", "X", "25-9890", "1996-02-01", "1996-01-05", 9L),
                row(3, null, null, null, "1996-01-01", null, null),
                row(4, "50.00", "N", "12-345", "1996-01-01", "1996-01-01", 3L)), t, r -> PARENTS));
        assertThat(out).containsEntry(1L, "[] keep")
                .containsEntry(2L, "[qty_range, flag_domain, phone_format, shipped_first, parent_exists] quarantine")
                .containsEntry(3L, "[required_qty, shipped_first] quarantine")
                .containsEntry(4L, "[] keep");
    }

    @Test
    void theStrongestActionDecidesAndWarningsKeepTheRow() {
        TableSpec t = table(List.of(
                new RuleSpec.Allowed("flag_known", RuleAction.WARN, "flag", List.of("R", "A", "N")),
                new RuleSpec.Range("qty_small", RuleAction.DROP, "qty", null, "10"),
                new RuleSpec.Range("qty_sane", RuleAction.FAIL, "qty", "0", null),
                new RuleSpec.Pattern("phone_digits", RuleAction.QUARANTINE, "phone", "[0-9-]+")));
        Map<Long, String> out = outcome(RowRules.evaluate(rows(
                row(1, "5.00", "Z", "1-2", null, null, null),
                row(2, "20.00", "R", "1-2", null, null, null),
                row(3, "20.00", "R", "call me", null, null, null),
                row(4, "-1.00", "R", "call me", null, null, null)), t, r -> PARENTS));
        assertThat(out).containsEntry(1L, "[flag_known] keep")
                .containsEntry(2L, "[qty_small] drop")
                .containsEntry(3L, "[qty_small, phone_digits] quarantine")
                .containsEntry(4L, "[qty_sane, phone_digits] fail");
    }

    @Test
    void aTableWithoutRulesKeepsEveryRowAndAddsNoJoin() {
        TableSpec t = table(List.of());
        Dataset<Row> evaluated = RowRules.evaluate(rows(row(1, "1.00", null, null, null, null, null)), t, r -> {
            throw new AssertionError("no reference rule, no parent lookup");
        });
        assertThat(outcome(evaluated)).containsEntry(1L, "[] keep");
        assertThat(evaluated.columns()).hasSize(SCHEMA.size() + 2);
    }
}
