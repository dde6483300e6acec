package io.medallion.config;

import io.medallion.interop.Scala;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.UnresolvedAttribute;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.catalyst.plans.logical.Aggregate;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.Project;

/**
 * The columns a SQL text names, found by parsing it (no Spark session, no catalog), so that a
 * misspelt column in a rule, a constraint or a model fails at load with exit 2 rather than at run
 * time with exit 1, the code an orchestrator retries.
 */
public final class SqlColumns {
    private SqlColumns() {
    }

    /**
     * The columns of {@code expression} that are not in {@code known} (compared as Spark does,
     * ignoring case), in order of appearance. A name starting with {@code _} is a column the layer
     * adds ({@code _batch_date}, {@code _rescued}, ...) and is not checked here.
     *
     * @throws IllegalArgumentException with the parser's first line when the expression does not parse
     */
    public static List<String> unknown(String expression, Set<String> known) {
        Expression parsed;
        try {
            parsed = CatalystSqlParser$.MODULE$.parseExpression(expression);
        } catch (Exception e) { // Spark's ParseException is checked in Java's eyes but undeclared
            throw new IllegalArgumentException("not a valid SQL expression: " + firstLine(e.getMessage()), e);
        }
        Set<String> lower = new LinkedHashSet<>();
        known.forEach(k -> lower.add(k.toLowerCase(Locale.ROOT)));
        Set<String> unknown = new LinkedHashSet<>();
        collect(parsed, name -> {
            if (!name.startsWith("_") && !lower.contains(name.toLowerCase(Locale.ROOT))) {
                unknown.add(name);
            }
        });
        return new ArrayList<>(unknown);
    }

    /**
     * The names of a query's output columns, when its outermost select names each of them: a
     * column ({@code l.l_orderkey}) or an alias ({@code ... AS revenue}). Empty when one of them
     * is a star or an unnamed expression, since only running the query can tell then.
     */
    public static Optional<List<String>> output(String sql) {
        LogicalPlan plan;
        try {
            plan = CatalystSqlParser$.MODULE$.parsePlan(sql);
        } catch (Exception e) {
            return Optional.empty();
        }
        // Sort, Limit, Distinct, Filter (HAVING) and WITH keep the columns of the one plan below them.
        while (!(plan instanceof Project) && !(plan instanceof Aggregate) && plan.children().size() == 1) {
            plan = plan.children().head();
        }
        List<NamedExpression> select;
        if (plan instanceof Project p) {
            select = Scala.list(p.projectList());
        } else if (plan instanceof Aggregate a) {
            select = Scala.list(a.aggregateExpressions());
        } else {
            return Optional.empty();
        }
        List<String> names = new ArrayList<>();
        for (NamedExpression e : select) {
            if (e instanceof Alias alias) {
                names.add(alias.name());
            } else if (e instanceof UnresolvedAttribute attribute) {
                List<String> parts = Scala.list(attribute.nameParts());
                names.add(parts.get(parts.size() - 1));
            } else {
                return Optional.empty();
            }
        }
        return Optional.of(names);
    }

    private static void collect(Expression e, java.util.function.Consumer<String> column) {
        if (e instanceof UnresolvedAttribute attribute) {
            column.accept(Scala.list(attribute.nameParts()).get(0)); // a.b is field b of struct column a
        }
        for (Expression child : Scala.list(e.children())) {
            collect(child, column);
        }
    }

    static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String trimmed = message.strip();
        int nl = trimmed.indexOf('\n');
        return nl < 0 ? trimmed : trimmed.substring(0, nl);
    }
}
