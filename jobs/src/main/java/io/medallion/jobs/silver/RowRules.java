package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_compact;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.medallion.config.ColumnSpec;
import io.medallion.config.RuleAction;
import io.medallion.config.RuleSpec;
import io.medallion.config.TableSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;

/**
 * Evaluates a table's row rules on typed rows in one pass and says, per row, which rules it
 * broke and what happens to it. Required columns are rules named {@code required_<column>}.
 * A rule whose column is null is not broken (nulls are the required rule's business); a
 * {@code check} whose result is null is broken.
 */
public final class RowRules {
    /** All rules the row broke, whatever their action, in declaration order. */
    public static final String VIOLATIONS = "_rule_violations";
    /** {@code keep}, {@code quarantine}, {@code drop} or {@code fail}: the strongest action among the broken rules. */
    public static final String DISPOSITION = "_disposition";

    public static final String KEEP = "keep";

    private RowRules() {
    }

    /**
     * @param parentKeys for a reference rule, the keys that exist in the referenced table
     *     (one column); the caller decides what "exists" means (silver, plus this batch's rows)
     */
    public static Dataset<Row> evaluate(Dataset<Row> typed, TableSpec table,
                                        Function<RuleSpec.References, Dataset<Row>> parentKeys) {
        Map<String, Column> broken = new LinkedHashMap<>();
        Map<String, RuleAction> actions = new LinkedHashMap<>();
        Dataset<Row> rows = typed;
        for (ColumnSpec c : table.schema()) {
            if (c.required()) {
                String name = "required_" + c.name();
                broken.put(name, col(c.name()).isNull());
                actions.put(name, RuleAction.QUARANTINE);
            }
        }
        List<String> helpers = new ArrayList<>();
        for (RuleSpec rule : table.rules()) {
            actions.put(rule.name(), rule.action());
            if (rule instanceof RuleSpec.References r) {
                String helper = "_ref_" + r.name();
                Dataset<Row> keys = parentKeys.apply(r);
                rows = rows.join(keys.select(keys.col(keys.columns()[0]).as(helper)).distinct(),
                        col(r.column()).equalTo(col(helper)), "left");
                helpers.add(helper);
                broken.put(r.name(), col(r.column()).isNotNull().and(col(helper).isNull()));
            } else {
                broken.put(rule.name(), condition(rule, table));
            }
        }
        List<Column> names = new ArrayList<>();
        broken.forEach((name, condition) -> names.add(when(coalesce(condition, lit(false)), lit(name))));
        Column violations = names.isEmpty() ? array().cast("array<string>") : array_compact(array(names.toArray(new Column[0])));
        rows = rows.withColumn(VIOLATIONS, violations);
        rows = rows.withColumn(DISPOSITION, disposition(broken, actions));
        return helpers.isEmpty() ? rows : rows.drop(helpers.toArray(new String[0]));
    }

    /** The condition under which a non-reference rule is broken. */
    private static Column condition(RuleSpec rule, TableSpec table) {
        if (rule instanceof RuleSpec.Check c) {
            return not(coalesce(expr(c.expression()), lit(false)));
        }
        if (rule instanceof RuleSpec.Range r) {
            DataType type = table.column(r.column()).orElseThrow().type().sparkType();
            Column value = col(r.column());
            Column below = r.min() == null ? lit(false) : value.lt(lit(r.min()).cast(type));
            Column above = r.max() == null ? lit(false) : value.gt(lit(r.max()).cast(type));
            return below.or(above);
        }
        if (rule instanceof RuleSpec.Allowed a) {
            DataType type = table.column(a.column()).orElseThrow().type().sparkType();
            Object[] values = a.values().stream().map(v -> lit(v).cast(type)).toArray();
            return not(col(a.column()).isin(values));
        }
        if (rule instanceof RuleSpec.Pattern p) {
            return not(col(p.column()).rlike("^(?:" + p.regex() + ")$"));
        }
        throw new IllegalArgumentException("references are joined, not evaluated: " + rule);
    }

    private static Column disposition(Map<String, Column> broken, Map<String, RuleAction> actions) {
        Column result = lit(KEEP);
        // Weakest first, so that the strongest broken action is applied last and wins.
        for (RuleAction action : List.of(RuleAction.DROP, RuleAction.QUARANTINE, RuleAction.FAIL)) {
            Column any = lit(false);
            for (Map.Entry<String, Column> e : broken.entrySet()) {
                if (actions.get(e.getKey()) == action) {
                    any = any.or(coalesce(e.getValue(), lit(false)));
                }
            }
            result = when(any, lit(action.specName())).otherwise(result);
        }
        return result;
    }
}
