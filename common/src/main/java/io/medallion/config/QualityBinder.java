package io.medallion.config;

import io.medallion.config.ConstraintSpec.Severity;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
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

    static Map<String, List<ConstraintSpec>> bind(SpecNode quality, Collection<TableSpec> tables,
                                                  Collection<String> goldModels) {
        Set<String> known = tableNames(tables, goldModels);
        Map<String, List<ConstraintSpec>> byTable = new LinkedHashMap<>();
        quality.map(n -> n).forEach((table, node) -> {
            if (!known.contains(table)) {
                throw node.error("'" + table + "' is not a table of this pipeline; name it by layer and table "
                        + "(valid: " + String.join(", ", known) + ")");
            }
            List<ConstraintSpec> constraints = node.list(c -> bindConstraint(c, known));
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

    private static ConstraintSpec bindConstraint(SpecNode node, Set<String> knownTables) {
        ConstraintKind kind = PipelineSpecLoader.enumValue(node.get("check"), ConstraintKind.class);
        List<String> allowed = new ArrayList<>(List.of("check", "name", "severity", "description"));
        if (kind != ConstraintKind.ANOMALY) {
            allowed.add("where");
        }
        allowed.addAll(settings(kind));
        node.allowOnly(allowed.toArray(new String[0]));
        for (String required : required(kind)) {
            if (!node.has(required)) {
                throw node.error(required, "a " + kind.specName() + " check needs '" + required + "'");
            }
        }
        List<String> columns = node.has("column") ? List.of(node.string("column")) : node.strings("columns");
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
        double minFraction = node.has("min_fraction") ? RuleBinder.fraction(node.get("min_fraction")) : 1.0;
        String regex = node.string("regex", "");
        if (!regex.isEmpty()) {
            try {
                Pattern.compile(regex);
            } catch (PatternSyntaxException e) {
                throw node.error("regex", "not a valid regular expression: " + e.getDescription());
            }
        }
        Severity severity = node.has("severity")
                ? PipelineSpecLoader.enumValue(node.get("severity"), Severity.class) : Severity.ERROR;
        String metric = node.string("metric", "");
        String name = node.has("name") ? node.string("name") : defaultName(kind, columns, metric);
        List<String> to = node.strings("to");
        if (kind == ConstraintKind.REFERENCES && !knownTables.contains(node.string("table"))) {
            throw node.error("table", "'" + node.string("table") + "' is not a table of this pipeline");
        }
        if (kind == ConstraintKind.REFERENCES && to.size() != columns.size()) {
            throw node.error("to", "names " + to.size() + " column(s) for " + columns.size() + " key column(s)");
        }
        OptionalDouble maxDecrease = node.has("max_decrease")
                ? OptionalDouble.of(RuleBinder.fraction(node.get("max_decrease"))) : OptionalDouble.empty();
        OptionalDouble maxIncrease = number(node, "max_increase");
        if (kind == ConstraintKind.ANOMALY && maxDecrease.isEmpty() && maxIncrease.isEmpty()) {
            throw node.error("an anomaly check needs 'max_decrease', 'max_increase' or both");
        }
        if (maxIncrease.isPresent() && maxIncrease.getAsDouble() < 0) {
            throw node.error("max_increase", "expected a share of at least 0 (1 = may double), got "
                    + maxIncrease.getAsDouble());
        }
        return new ConstraintSpec(name, kind, severity, columns, min, max, minFraction, node.strings("values"), regex,
                node.string("predicate", ""), node.string("table", ""), to, metric, maxDecrease, maxIncrease, node.string("where", ""));
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
        if (!node.has(key)) {
            return OptionalDouble.empty();
        }
        String text = node.get(key).asText();
        try {
            return OptionalDouble.of(Double.parseDouble(text));
        } catch (NumberFormatException e) {
            throw node.error(key, "expected a number, got '" + text + "'");
        }
    }

    private static Set<String> tableNames(Collection<TableSpec> tables, Collection<String> goldModels) {
        Set<String> names = new TreeSet<>();
        for (TableSpec t : tables) {
            names.add("bronze." + t.name());
            names.add("silver." + t.name());
            names.add("silver._quarantine_" + t.name());
            if (t.cdc().isPresent()) {
                names.add("silver.dim_" + t.name());
            }
        }
        goldModels.forEach(m -> names.add("gold." + m));
        return names;
    }
}
