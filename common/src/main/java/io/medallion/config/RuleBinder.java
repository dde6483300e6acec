package io.medallion.config;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;
import io.medallion.lake.Layer;
import io.medallion.lake.TableRef;

/**
 * Binds a table's {@code rules:} entries. Everything that can be checked without data is
 * checked here, at load, so a typo in a rule is an exit 2 and not a failed run hours later:
 * columns exist and have a fitting type, bounds and values parse as the column's type, regular
 * expressions compile, SQL expressions parse, referenced tables and columns exist.
 */
final class RuleBinder {
    private static final java.util.regex.Pattern RULE_NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9_]*");
    /** The checks a row rule can make: the row-level kinds of the quality section, by the same names. */
    static final List<String> KINDS = List.of("range", "allowed_values", "pattern", "predicate", "references");

    private RuleBinder() {
    }

    static RuleSpec bind(SpecNode node, Map<String, ColumnSpec> columns) {
        node.allowOnly(SpecKeys.in(SpecKeys.RULE));
        SpecKeys.CheckKeys keys = SpecKeys.RULE_KEYS;
        String name = SpecKeys.RULE_NAME.read(node);
        if (!RULE_NAME.matcher(name).matches()) {
            throw node.error("name", "rule name '" + name + "' must be lower case letters, digits and _");
        }
        RuleAction action = SpecKeys.ACTION.read(node);
        Legacy legacy = Legacy.of(node);
        String kind = legacy != null ? legacy.kind : keys.check().read(node);
        if (!KINDS.contains(kind)) {
            throw node.error("check", "'" + kind + "' is not a check a row rule can make; one of: "
                    + String.join(", ", KINDS));
        }
        List<String> allowed = new java.util.ArrayList<>(List.of("name", "description", "action", "check"));
        allowed.addAll(legacy != null ? legacy.keys() : settings(kind));
        node.allowOnly(allowed.toArray(new String[0]));
        if (kind.equals("predicate")) {
            if (node.has("column")) {
                throw node.error("column", "a predicate names its columns in its SQL, not in 'column'");
            }
            SpecNode predicate = legacy != null ? legacy.value : node.get(keys.predicate().name());
            String expression = predicate.asText();
            checkSql(predicate, expression, columns.keySet());
            return new RuleSpec.Check(name, action, expression);
        }
        SpecNode columnNode = node.get(keys.column().name());
        String columnName = columnNode.asText();
        ColumnSpec column = columns.get(columnName);
        if (column == null) {
            throw columnNode.error("column '" + columnName + "' is not in the table's schema (valid: "
                    + String.join(", ", columns.keySet()) + ")");
        }
        SpecNode settings = legacy != null ? legacy.value : node;
        return switch (kind) {
            case "range" -> range(settings, name, action, column);
            case "allowed_values" -> allowed(legacy != null ? legacy.value : node.get(keys.values().name()), name,
                    action, column);
            case "pattern" -> pattern(legacy != null ? legacy.value : node.get(keys.regex().name()), name, action,
                    column);
            default -> references(settings, legacy != null, name, action, column);
        };
    }

    /** The settings a kind of rule takes besides name, description, action and check. */
    private static List<String> settings(String kind) {
        return switch (kind) {
            case "range" -> List.of("column", "min", "max");
            case "allowed_values" -> List.of("column", "values");
            case "pattern" -> List.of("column", "regex");
            case "predicate" -> List.of("predicate");
            default -> List.of("column", "table", "to", "retry");
        };
    }

    /**
     * A rule in the spelling of earlier versions ({@code range: {min, max}}, {@code allowed: [...]},
     * {@code pattern: REGEX}, {@code check: SQL}, {@code references: {table, column}}): still read,
     * with a warning naming the new spelling.
     */
    private record Legacy(String kind, SpecNode value) {
        /** The keys beside the old kind key: the column, except for a SQL check. */
        List<String> keys() {
            return kind.equals("predicate") ? List.of() : List.of("column", value.path().substring(
                    value.path().lastIndexOf('.') + 1));
        }

        static Legacy of(SpecNode node) {
            String[][] spellings = {{"range", "range", "check: range, min: ..., max: ..."},
                {"allowed", "allowed_values", "check: allowed_values, values: [...]"},
                {"pattern", "pattern", "check: pattern, regex: ..."},
                {"references", "references", "check: references, table: silver.<table>, to: <column>"}};
            for (String[] s : spellings) {
                if (node.has(s[0])) {
                    if (node.has("check")) {
                        throw node.error(s[0], "give the rule's check once: 'check: " + s[1] + "' with its settings");
                    }
                    warn(node, s[0], s[2]);
                    return new Legacy(s[1], node.get(s[0]));
                }
            }
            if (node.has("check") && !KINDS.contains(node.get("check").asText())
                    && !node.has(SpecKeys.RULE_KEYS.predicate().name())) {
                warn(node, "check", "check: predicate, predicate: \"<SQL>\"");
                return new Legacy("predicate", node.get("check"));
            }
            return null;
        }

        private static void warn(SpecNode node, String key, String spelling) {
            node.warn(key, "the old spelling of a rule; write " + spelling + " (the names of the quality section)");
        }
    }

    private static RuleSpec range(SpecNode node, String name, RuleAction action, ColumnSpec column) {
        ColumnType.Kind k = column.type().kind();
        boolean numeric = k == ColumnType.Kind.INT || k == ColumnType.Kind.BIGINT || k == ColumnType.Kind.DECIMAL
                || k == ColumnType.Kind.DOUBLE;
        if (!numeric && k != ColumnType.Kind.DATE) {
            throw node.error("a range needs a number or date column; '" + column.name() + "' is " + column.type());
        }
        String minKey = SpecKeys.RULE_KEYS.min().name();
        String maxKey = SpecKeys.RULE_KEYS.max().name();
        String min = node.has(minKey) ? bound(node.get(minKey), column) : null;
        String max = node.has(maxKey) ? bound(node.get(maxKey), column) : null;
        if (min == null && max == null) {
            throw node.error("give min, max or both");
        }
        if (min != null && max != null) {
            int order = numeric ? new BigDecimal(min).compareTo(new BigDecimal(max))
                    : LocalDate.parse(min).compareTo(LocalDate.parse(max));
            if (order > 0) {
                throw node.error("min " + min + " is greater than max " + max);
            }
        }
        return new RuleSpec.Range(name, action, column.name(), min, max);
    }

    /** A bound is read as the column's type; a decimal bound may have more digits than the column. */
    private static String bound(SpecNode node, ColumnSpec column) {
        String text = node.asText();
        ColumnType type = column.type().kind() == ColumnType.Kind.DECIMAL
                ? new ColumnType(ColumnType.Kind.DECIMAL, 38, 18) : column.type();
        type.problemWith(text).ifPresent(p -> {
            throw node.error("not a value of " + column.name() + " (" + column.type() + "): " + p);
        });
        return text;
    }

    private static RuleSpec allowed(SpecNode list, String name, RuleAction action, ColumnSpec column) {
        List<String> values = Values.strings(list);
        if (values.isEmpty()) {
            throw list.error("list at least one value");
        }
        for (int i = 0; i < values.size(); i++) {
            String v = values.get(i);
            int index = i;
            column.type().problemWith(v).ifPresent(p -> {
                throw new SpecException(list.file(), list.path() + (list.isList() ? "[" + index + "]" : ""),
                        "not a value of " + column.name() + " (" + column.type() + "): " + p);
            });
        }
        return new RuleSpec.Allowed(name, action, column.name(), values);
    }

    private static RuleSpec pattern(SpecNode node, String name, RuleAction action, ColumnSpec column) {
        if (column.type().kind() != ColumnType.Kind.STRING) {
            throw node.error("a pattern needs a string column; '" + column.name() + "' is " + column.type());
        }
        String regex = node.asText();
        try {
            java.util.regex.Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw node.error("'" + regex + "' is not a valid regular expression: " + e.getDescription());
        }
        return new RuleSpec.Pattern(name, action, column.name(), regex);
    }

    /** The referenced silver table and column: {@code table} and {@code to}, or the old {@code references: {table, column}}. */
    private static RuleSpec references(SpecNode node, boolean legacy, String name, RuleAction action,
                                       ColumnSpec column) {
        if (legacy) {
            node.allowOnly("table", "column");
        }
        SpecNode tableNode = node.get(SpecKeys.RULE_KEYS.table().name());
        TableRef table;
        try {
            table = TableRef.parse(tableNode.asText(), Layer.SILVER);
        } catch (IllegalArgumentException e) {
            throw tableNode.error(e.getMessage());
        }
        if (table.layer() != Layer.SILVER) {
            throw tableNode.error("a row rule references a silver table (silver." + table.name() + "), not " + table);
        }
        String to = legacy ? node.string("column") : single(node, SpecKeys.RULE_KEYS.to());
        java.util.Optional<java.time.Duration> retry = legacy ? java.util.Optional.empty()
                : java.util.Optional.ofNullable(SpecKeys.RETRY.read(node));
        if (retry.isPresent() && action != RuleAction.QUARANTINE) {
            throw node.error(SpecKeys.RETRY.name(), "only a quarantined row can be retried; this rule's action is "
                    + action.specName());
        }
        return new RuleSpec.References(name, action, column.name(), table.name(), to, retry);
    }

    private static String single(SpecNode node, SpecKey<List<String>> key) {
        List<String> values = key.read(node);
        if (values.size() != 1) {
            throw node.error(key.name(), "a row rule references one column; got " + values.size());
        }
        return values.get(0);
    }

    /** Reference rules name other tables, so they are checked once every table is bound. */
    static void checkReferences(SpecNode tablesNode, Map<String, TableSpec> tables) {
        for (TableSpec t : tables.values()) {
            for (int i = 0; i < t.rules().size(); i++) {
                if (!(t.rules().get(i) instanceof RuleSpec.References r)) {
                    continue;
                }
                String path = tablesNode.path() + "." + t.name() + ".rules[" + i + "]";
                TableSpec target = tables.get(r.table());
                if (target == null) {
                    throw new SpecException(tablesNode.file(), path + ".table", "table '" + r.table()
                            + "' is not in this pipeline (tables: " + String.join(", ", tables.keySet()) + ")");
                }
                if (target.column(r.refColumn()).isEmpty()) {
                    throw new SpecException(tablesNode.file(), path + ".to", "column '" + r.refColumn()
                            + "' is not in table " + r.table() + " (valid: " + String.join(", ", target.columnNames())
                            + ")");
                }
            }
        }
        Map<String, List<String>> parents = new java.util.LinkedHashMap<>();
        tables.values().forEach(t -> parents.put(t.name(), t.rules().stream()
                .filter(r -> r instanceof RuleSpec.References).map(r -> ((RuleSpec.References) r).table()).toList()));
        List<String> cycle = Dependencies.cycle(parents);
        if (!cycle.isEmpty()) {
            TableSpec t = tables.get(cycle.get(0));
            int rule = ruleTo(t, cycle.get(1));
            throw new SpecException(tablesNode.file(), tablesNode.path() + "." + t.name() + ".rules[" + rule
                    + "].table", "reference rules form a cycle: " + String.join(" -> ", cycle) + "; silver "
                    + "applies a parent before its children, so one of these references must go (a table may "
                    + "reference itself)");
        }
    }

    private static int ruleTo(TableSpec table, String parent) {
        for (int i = 0; i < table.rules().size(); i++) {
            if (table.rules().get(i) instanceof RuleSpec.References r && r.table().equals(parent)) {
                return i;
            }
        }
        throw new IllegalStateException(table.name() + " has no reference to " + parent);
    }


    /** Refuses SQL that does not parse or that names a column the table does not have. */
    static void checkSql(SpecNode node, String expression, java.util.Collection<String> columns) {
        List<String> unknown;
        try {
            unknown = SqlColumns.unknown(expression, new java.util.HashSet<>(columns));
        } catch (IllegalArgumentException e) {
            throw node.error(e.getMessage());
        }
        if (!unknown.isEmpty()) {
            throw node.error("'" + expression + "' names " + (unknown.size() == 1 ? "column '" + unknown.get(0)
                    + "', which is" : "columns '" + String.join("', '", unknown) + "', which are")
                    + " not in the table's schema (valid: " + String.join(", ", new java.util.TreeSet<>(columns)) + ")");
        }
    }
}
