package io.medallion.config;

import io.medallion.config.ConstraintSpec.Severity;
import io.medallion.lake.Layer;
import io.medallion.lake.TableRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Binds the spec's {@code quality} section: per {@code layer.table}, a list of constraints, each
 * {@code {check: <kind>, ...settings, severity: error|warning, name: ...}}. Every kind accepts
 * exactly the settings it uses, so a misspelt or misplaced setting fails at load with its path.
 */
final class QualityBinder {
    private static final Set<ConstraintKind> FRACTION_KINDS = EnumSet.of(ConstraintKind.COMPLETE,
            ConstraintKind.UNIQUE, ConstraintKind.ALLOWED_VALUES, ConstraintKind.RANGE, ConstraintKind.PATTERN,
            ConstraintKind.EMAIL, ConstraintKind.NON_NEGATIVE, ConstraintKind.PREDICATE, ConstraintKind.REFERENCES);
    private static final Set<ConstraintKind> BOUND_KINDS = EnumSet.of(ConstraintKind.SIZE, ConstraintKind.SUM,
            ConstraintKind.MEAN, ConstraintKind.APPROX_DISTINCT);

    private QualityBinder() {
    }

    static Map<TableRef, List<ConstraintSpec>> bind(SpecNode quality, Collection<TableSpec> tables,
                                                    Map<String, GoldModelSpec> gold) {
        List<TableRef> known = PipelineTables.of(tables, gold.keySet(), true);
        Map<TableRef, List<String>> columns = PipelineTables.columns(tables, gold);
        Map<TableRef, List<ConstraintSpec>> byTable = new LinkedHashMap<>();
        quality.map(n -> n).forEach((name, node) -> {
            TableRef table = TableRef.isQualified(name) ? TableRef.parse(name) : null;
            if (table == null || !known.contains(table)) {
                throw node.error("'" + name + "' is not a table of this pipeline; name it by layer and table "
                        + "(valid: " + PipelineTables.names(known) + ")");
            }
            List<ConstraintSpec> constraints = node.list(c -> checkColumns(c, bindConstraint(c, known),
                    columns.getOrDefault(table, List.of()), columns));
            Set<String> names = new HashSet<>();
            for (int i = 0; i < constraints.size(); i++) {
                if (!names.add(constraints.get(i).name())) {
                    throw new SpecException(node.file(), node.path() + "[" + i + "].name", "constraint '"
                            + constraints.get(i).name() + "' is declared twice on " + table
                            + "; give one of them a name");
                }
            }
            byTable.put(table, constraints);
        });
        return byTable;
    }

    private static ConstraintSpec bindConstraint(SpecNode node, List<TableRef> knownTables) {
        SpecKeys.CheckKeys keys = SpecKeys.CONSTRAINT_KEYS;
        ConstraintKind kind = Values.enumValue(node.get(keys.check().name()), ConstraintKind.class);
        List<String> allowed = new ArrayList<>(List.of("check", "name", "severity", "description"));
        if (kind != ConstraintKind.ANOMALY) {
            allowed.add("where");
        }
        allowed.addAll(settings(kind));
        allowed.forEach(k -> SpecKeys.key(SpecKeys.CONSTRAINT, k)); // every setting is a catalogued key
        node.allowOnly(allowed.toArray(new String[0]));
        for (String required : required(kind)) {
            if (!node.has(required)) {
                throw node.error(required, "a " + kind.specName() + " check needs '" + required + "'");
            }
        }
        List<String> columns = node.has("column") ? List.of(keys.column().read(node)) : SpecKeys.COLUMNS.read(node);
        if (columns.isEmpty() && (kind == ConstraintKind.UNIQUE || kind == ConstraintKind.REFERENCES)) {
            throw node.error("a " + kind.specName() + " check needs 'column' or 'columns'");
        }
        OptionalDouble min = number(node, kind == ConstraintKind.MIN ? "value" : "min");
        OptionalDouble max = number(node, kind == ConstraintKind.MAX ? "value" : "max");
        if (BOUND_KINDS.contains(kind) && min.isEmpty() && max.isEmpty()) {
            throw node.error("a " + kind.specName() + " check needs 'min', 'max' or both");
        }
        if (min.isPresent() && max.isPresent() && min.getAsDouble() > max.getAsDouble()) {
            throw node.error("max", "max " + max.getAsDouble() + " is below min " + min.getAsDouble());
        }
        double minFraction = SpecKeys.MIN_FRACTION.read(node);
        String regex = keys.regex().read(node);
        if (!regex.isEmpty()) {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw node.error("regex", "'" + regex + "' is not a valid regular expression: " + e.getDescription());
            }
        }
        Severity severity = SpecKeys.SEVERITY.read(node);
        String metric = SpecKeys.METRIC.read(node);
        String name = SpecKeys.CONSTRAINT_NAME.find(node).orElse(defaultName(kind, columns, metric));
        List<String> to = keys.to().read(node);
        Optional<TableRef> referenced = Optional.empty();
        if (kind == ConstraintKind.REFERENCES) {
            String text = keys.table().read(node);
            referenced = Optional.of(TableRef.parse(text, Layer.SILVER));
            if (!knownTables.contains(referenced.get())) {
                throw node.error("table", "'" + text + "' is not a table of this pipeline (valid: "
                        + PipelineTables.names(knownTables) + ")");
            }
        }
        if (kind == ConstraintKind.REFERENCES && to.size() != columns.size()) {
            throw node.error("to", "names " + to.size() + " column(s) for " + columns.size() + " key column(s)");
        }
        OptionalDouble maxDecrease = optional(SpecKeys.MAX_DECREASE.find(node));
        OptionalDouble maxIncrease = optional(SpecKeys.MAX_INCREASE.find(node));
        if (kind == ConstraintKind.ANOMALY && maxDecrease.isEmpty() && maxIncrease.isEmpty()) {
            throw node.error("an anomaly check needs 'max_decrease', 'max_increase' or both");
        }
        if (maxIncrease.isPresent() && maxIncrease.getAsDouble() < 0) {
            throw node.error("max_increase", "expected a share of at least 0 (1 = may double), got "
                    + maxIncrease.getAsDouble());
        }
        return new ConstraintSpec(name, kind, severity, columns, min, max, minFraction, keys.values().read(node),
                regex, keys.predicate().read(node), referenced, to, metric, maxDecrease, maxIncrease,
                SpecKeys.WHERE.read(node));
    }

    /**
     * Refuses a constraint that names a column its table lacks: in column(s), its predicate, its
     * where filter or the referenced table's to. An empty list of columns means they are known
     * only when the table is read (a quarantine or history table, a model selecting *).
     */
    private static ConstraintSpec checkColumns(SpecNode node, ConstraintSpec c, List<String> tableColumns,
                                               Map<TableRef, List<String>> columns) {
        if (!tableColumns.isEmpty()) {
            String key = node.has("column") ? "column" : "columns";
            for (String column : c.columns()) {
                if (!column.startsWith("_") && !tableColumns.contains(column)) { // _: the layer's own
                    throw node.error(key, "column '" + column + "' is not in the table (valid: "
                            + String.join(", ", tableColumns) + ")");
                }
            }
            if (!c.predicate().isEmpty()) {
                RuleBinder.checkSql(node.get("predicate"), c.predicate(), tableColumns);
            }
            if (!c.where().isEmpty()) {
                RuleBinder.checkSql(node.get("where"), c.where(), tableColumns);
            }
        }
        List<String> target = c.referencedTable().map(t -> columns.getOrDefault(t, List.of())).orElse(List.of());
        for (String to : target.isEmpty() ? List.<String>of() : c.referencedColumns()) {
            if (!to.startsWith("_") && !target.contains(to)) {
                throw node.error("to", "column '" + to + "' is not in " + c.referencedTable().get() + " (valid: "
                        + String.join(", ", target) + ")");
            }
        }
        return c;
    }

    /** The settings a kind accepts besides check, name, severity and description. */
    private static List<String> settings(ConstraintKind kind) {
        List<String> s = new ArrayList<>(required(kind));
        if (FRACTION_KINDS.contains(kind)) {
            s.add("min_fraction");
        }
        if (BOUND_KINDS.contains(kind)) {
            s.addAll(List.of("min", "max"));
        }
        if (kind == ConstraintKind.UNIQUE || kind == ConstraintKind.REFERENCES) {
            s.addAll(List.of("column", "columns"));
        }
        if (kind == ConstraintKind.ANOMALY) {
            s.addAll(List.of("max_decrease", "max_increase"));
        }
        return s;
    }

    private static List<String> required(ConstraintKind kind) {
        return switch (kind) {
            case SIZE -> List.of();
            case COMPLETE, EMAIL, NON_NEGATIVE, SUM, MEAN, APPROX_DISTINCT -> List.of("column");
            case UNIQUE -> List.of();
            case ALLOWED_VALUES -> List.of("column", "values");
            case MIN, MAX -> List.of("column", "value");
            case RANGE -> List.of("column", "min", "max");
            case PATTERN -> List.of("column", "regex");
            case PREDICATE -> List.of("predicate");
            case REFERENCES -> List.of("table", "to");
            case ANOMALY -> List.of("metric");
        };
    }

    private static String defaultName(ConstraintKind kind, List<String> columns, String metric) {
        if (kind == ConstraintKind.ANOMALY) {
            return kind.specName() + "(" + metric + ")";
        }
        return columns.isEmpty() ? kind.specName() : kind.specName() + "(" + String.join(", ", columns) + ")";
    }

    private static OptionalDouble number(SpecNode node, String key) {
        return node.has(key) ? OptionalDouble.of(Values.number(node.get(key))) : OptionalDouble.empty();
    }

    private static OptionalDouble optional(Optional<Double> value) {
        return value.map(OptionalDouble::of).orElse(OptionalDouble.empty());
    }

}
