package io.medallion.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.catalyst.analysis.UnresolvedRelation;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;
import org.apache.spark.sql.catalyst.plans.logical.LogicalPlan;
import org.apache.spark.sql.catalyst.plans.logical.UnresolvedWith;
import io.medallion.interop.Scala;

/** The tables a SQL query reads, found by parsing it (no Spark session, no catalog). */
public final class SqlRelations {
    private SqlRelations() {
    }

    /**
     * @return each table the query names, dot-joined as written ({@code silver.orders}), in order
     *     of appearance, without the names of its own common table expressions
     * @throws IllegalArgumentException with the parser's message when the query does not parse
     */
    public static List<String> of(String sql) {
        LogicalPlan plan;
        try {
            plan = CatalystSqlParser$.MODULE$.parsePlan(sql);
        } catch (Exception e) { // a ParseException, which Scala does not declare
            throw new IllegalArgumentException("the SQL does not parse: " + e.getMessage().strip(), e);
        }
        Set<String> found = new LinkedHashSet<>();
        Set<String> ctes = new HashSet<>();
        collect(plan, found, ctes);
        found.removeAll(ctes);
        return new ArrayList<>(found);
    }

    private static void collect(LogicalPlan plan, Set<String> found, Set<String> ctes) {
        if (plan instanceof UnresolvedRelation r) {
            found.add(String.join(".", Scala.list(r.multipartIdentifier())));
        }
        if (plan instanceof UnresolvedWith with) {
            for (var cte : Scala.list(with.cteRelations())) {
                ctes.add(cte._1());
                collect(cte._2(), found, ctes);
            }
        }
        for (LogicalPlan child : Scala.list(plan.children())) {
            collect(child, found, ctes);
        }
        for (LogicalPlan subquery : Scala.list(plan.subqueries())) {
            collect(subquery, found, ctes);
        }
    }
}
