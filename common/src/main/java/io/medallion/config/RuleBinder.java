package io.medallion.config;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.PatternSyntaxException;
import org.apache.spark.sql.catalyst.parser.CatalystSqlParser$;

/**
 * Binds a table's {@code rules:} entries. Everything that can be checked without data is
 * checked here, at load, so a typo in a rule is an exit 2 and not a failed run hours later:
 * columns exist and have a fitting type, bounds and values parse as the column's type, regular
 * expressions compile, SQL expressions parse, referenced tables and columns exist.
 */
final class RuleBinder {
    private static final java.util.regex.Pattern RULE_NAME = java.util.regex.Pattern.compile("[a-z][a-z0-9_]*");
    private static final List<String> KINDS = List.of("check", "range", "allowed", "pattern", "references");

    private RuleBinder() {
    }

    static RuleSpec bind(SpecNode node, Map<String, ColumnSpec> columns) {
        node.allowOnly("name", "description", "action", "column", "check", "range", "allowed", "pattern", "references");
        String name = node.string("name");
        if (!RULE_NAME.matcher(name).matches()) {
            throw node.error("name", "rule name '" + name + "' must be lower case letters, digits and _");
        }
        RuleAction action = node.has("action") ? PipelineSpecLoader.enumValue(node.get("action"), RuleAction.class)
                : RuleAction.DEFAULT;
        List<String> kinds = new ArrayList<>();
        for (String k : KINDS) {
            if (node.has(k)) {
                kinds.add(k);
            }
        }
        if (kinds.size() != 1) {
            throw node.error("a rule needs exactly one of " + String.join(", ", KINDS)
                    + (kinds.isEmpty() ? "" : "; found " + String.join(", ", kinds)));
        }
        String kind = kinds.get(0);
        if (kind.equals("check")) {
            if (node.has("column")) {
                throw node.error("column", "a check rule names its columns in its SQL expression, not in 'column'");
            }
            SpecNode check = node.get("check");
            String expression = check.asText();
            try {
                CatalystSqlParser$.MODULE$.parseExpression(expression);
            } catch (Exception e) { // Spark's ParseException is checked in Java's eyes but undeclared
                throw check.error("not a valid SQL expression: " + firstLine(e.getMessage()));
            }
            return new RuleSpec.Check(name, action, expression);
        }
        SpecNode columnNode = node.get("column");
        String columnName = columnNode.asText();
        ColumnSpec column = columns.get(columnName);
        if (column == null) {
            throw columnNode.error("column '" + columnName + "' is not in the table's schema (valid: "
                    + String.join(", ", columns.keySet()) + ")");
        }
        return switch (kind) {
            case "range" -> range(node.get("range"), name, action, column);
            case "allowed" -> allowed(node, name, action, column);
            case "pattern" -> pattern(node.get("pattern"), name, action, column);
            default -> references(node.get("references"), name, action, column);
        };
    }

    private static RuleSpec range(SpecNode node, String name, RuleAction action, ColumnSpec column) {
        node.allowOnly("min", "max");
        ColumnType.Kind k = column.type().kind();
        boolean numeric = k == ColumnType.Kind.INT || k == ColumnType.Kind.BIGINT || k == ColumnType.Kind.DECIMAL
                || k == ColumnType.Kind.DOUBLE;
        if (!numeric && k != ColumnType.Kind.DATE) {
            throw node.error("a range needs a number or date column; '" + column.name() + "' is " + column.type());
        }
        String min = node.has("min") ? bound(node.get("min"), column) : null;
        String max = node.has("max") ? bound(node.get("max"), column) : null;
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

    private static RuleSpec allowed(SpecNode node, String name, RuleAction action, ColumnSpec column) {
        List<String> values = node.strings("allowed");
        if (values.isEmpty()) {
            throw node.error("allowed", "list at least one value");
        }
        SpecNode list = node.get("allowed");
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
            throw node.error("not a valid regular expression: " + firstLine(e.getMessage()));
        }
        return new RuleSpec.Pattern(name, action, column.name(), regex);
    }

    private static RuleSpec references(SpecNode node, String name, RuleAction action, ColumnSpec column) {
        node.allowOnly("table", "column");
        return new RuleSpec.References(name, action, column.name(), node.string("table"), node.string("column"));
    }

    /** Reference rules name other tables, so they are checked once every table is bound. */
    static void checkReferences(SpecNode tablesNode, Map<String, TableSpec> tables) {
        for (TableSpec t : tables.values()) {
            for (int i = 0; i < t.rules().size(); i++) {
                if (!(t.rules().get(i) instanceof RuleSpec.References r)) {
                    continue;
                }
                String path = tablesNode.path() + "." + t.name() + ".rules[" + i + "].references";
                TableSpec target = tables.get(r.table());
                if (target == null) {
                    throw new SpecException(tablesNode.file(), path + ".table", "table '" + r.table()
                            + "' is not in this pipeline (tables: " + String.join(", ", tables.keySet()) + ")");
                }
                if (target.column(r.refColumn()).isEmpty()) {
                    throw new SpecException(tablesNode.file(), path + ".column", "column '" + r.refColumn()
                            + "' is not in table " + r.table() + " (valid: " + String.join(", ", target.columnNames())
                            + ")");
                }
            }
        }
    }

    static double fraction(SpecNode node) {
        String text = node.asText();
        try {
            double value = Double.parseDouble(text);
            if (value >= 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw node.error("expected a fraction from 0 to 1 (0.01 = 1 %), got '" + text + "'");
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        String trimmed = message.strip();
        int nl = trimmed.indexOf('\n');
        return nl < 0 ? trimmed : trimmed.substring(0, nl);
    }
}
