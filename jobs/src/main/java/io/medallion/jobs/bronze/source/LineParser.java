package io.medallion.jobs.bronze.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.medallion.config.CdcSpec;
import io.medallion.config.ColumnSpec;
import io.medallion.config.ColumnType;
import io.medallion.config.SourceFormat;
import io.medallion.config.TableSpec;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Splits one landing line into bronze's text columns and says why it does not parse, if it
 * does not. It never throws and never drops a line: a line that fails keeps its raw text and
 * the reason. Runs on executors, so it is serializable.
 */
final class LineParser implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Set<String> CDC_OPS = Set.of("c", "u", "d");

    /** The outcome for one line. */
    record Parsed(String[] values, String error, String rescued) {
    }

    private final SourceFormat format;
    private final String delimiter;
    private final boolean trailingDelimiter;
    private final List<ColumnSpec> columns;
    private final CdcSpec cdc;
    private transient ObjectMapper json;

    LineParser(TableSpec table) {
        this.format = table.source().format();
        this.delimiter = table.source().delimiter();
        this.trailingDelimiter = table.source().trailingDelimiter();
        this.columns = List.copyOf(table.schema());
        this.cdc = table.cdc().orElse(null);
    }

    int width() {
        return cdc != null ? 4 : columns.size();
    }

    Parsed parse(String line) {
        if (line.isEmpty()) {
            return new Parsed(new String[width()], "empty line", null);
        }
        return format == SourceFormat.DELIMITED ? delimited(line) : jsonLine(line);
    }

    private Parsed delimited(String line) {
        String body = trailingDelimiter && line.endsWith(delimiter)
                ? line.substring(0, line.length() - delimiter.length()) : line;
        List<String> fields = split(body);
        if (fields.size() != columns.size()) {
            return new Parsed(new String[width()], "expected " + columns.size() + " fields, found " + fields.size(),
                    null);
        }
        String[] values = fields.toArray(new String[0]);
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            if (values[i].isEmpty()) {
                values[i] = null;
                continue;
            }
            ColumnSpec c = columns.get(i);
            Optional<String> problem = c.problemWith(values[i]);
            if (problem.isPresent()) {
                problems.add(c.name() + ": " + problem.get());
            }
        }
        return new Parsed(values, problems.isEmpty() ? null : String.join("; ", problems), null);
    }

    /** Literal split that keeps empty fields (String.split would treat the delimiter as a regex). */
    private List<String> split(String body) {
        List<String> fields = new ArrayList<>(columns.size() + 1);
        int start = 0;
        int at;
        while ((at = body.indexOf(delimiter, start)) >= 0) {
            fields.add(body.substring(start, at));
            start = at + delimiter.length();
        }
        fields.add(body.substring(start));
        return fields;
    }

    static ObjectMapper exactJson() {
        // Exact decimals as written: a double would turn 711.56 into 711.5599999…, and the
        // default node factory would turn 7603.40 into 7603.4.
        return new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));
    }

    private ObjectMapper json() {
        if (json == null) {
            json = exactJson();
        }
        return json;
    }

    private Parsed jsonLine(String line) {
        JsonNode node;
        try {
            node = json().readTree(line);
        } catch (JsonProcessingException e) {
            return new Parsed(new String[width()], "broken JSON: " + e.getOriginalMessage(), null);
        }
        return object(node);
    }

    /** One JSON value that should be a record: a change event or a row. */
    Parsed object(JsonNode node) {
        if (node == null || !node.isObject()) {
            return new Parsed(new String[width()], "not a JSON object", null);
        }
        return cdc != null ? changeEvent((ObjectNode) node) : record((ObjectNode) node);
    }

    private Parsed changeEvent(ObjectNode event) {
        List<String> problems = new ArrayList<>();
        JsonNode op = event.get(cdc.opField());
        JsonNode seq = event.get(cdc.sequenceField());
        JsonNode before = event.get(cdc.beforeField());
        JsonNode after = event.get(cdc.afterField());
        String opText = op == null || op.isNull() ? null : op.asText();
        if (opText == null || !CDC_OPS.contains(opText)) {
            problems.add(cdc.opField() + ": expected one of c, u, d, got " + (opText == null ? "nothing" : "'" + opText + "'"));
        }
        if (seq == null || !seq.isIntegralNumber()) {
            problems.add(cdc.sequenceField() + ": expected an integer sequence number, got "
                    + (seq == null ? "nothing" : "'" + seq.asText() + "'"));
        }
        boolean needsAfter = "c".equals(opText) || "u".equals(opText);
        checkImage(cdc.afterField(), after, needsAfter, problems);
        checkImage(cdc.beforeField(), before, "d".equals(opText), problems);
        String[] values = {opText, seq == null || seq.isNull() ? null : seq.asText(), text(before), text(after)};
        ObjectNode rest = event.deepCopy();
        rest.remove(List.of(cdc.opField(), cdc.sequenceField(), cdc.beforeField(), cdc.afterField()));
        return new Parsed(values, problems.isEmpty() ? null : String.join("; ", problems),
                rest.isEmpty() ? null : rest.toString());
    }

    private void checkImage(String field, JsonNode image, boolean required, List<String> problems) {
        if (image == null || image.isNull()) {
            if (required) {
                problems.add(field + ": missing");
            }
            return;
        }
        if (!image.isObject()) {
            problems.add(field + ": expected an object");
            return;
        }
        for (ColumnSpec c : columns) {
            typeProblem(c, image.get(c.name())).ifPresent(p -> problems.add(field + "." + c.name() + ": " + p));
        }
    }

    /** A JSON object as a record: each column's value by its {@code from} name or path; the rest is rescued. */
    private Parsed record(ObjectNode object) {
        String[] values = new String[columns.size()];
        List<String> problems = new ArrayList<>();
        ObjectNode rest = object.deepCopy();
        for (int i = 0; i < columns.size(); i++) {
            ColumnSpec c = columns.get(i);
            JsonNode v = field(object, c.from());
            typeProblem(c, v).ifPresent(p -> problems.add(c.name() + ": " + p));
            values[i] = v == null || v.isNull() ? null : v.isValueNode() ? v.asText() : v.toString();
            remove(rest, c.from());
        }
        return new Parsed(values, problems.isEmpty() ? null : String.join("; ", problems),
                rest.isEmpty() ? null : rest.toString());
    }

    /** The field named {@code from}, or else the dotted path it spells through nested objects. */
    private static JsonNode field(ObjectNode object, String from) {
        if (object.has(from) || from.indexOf('.') < 0) {
            return object.get(from);
        }
        JsonNode node = object;
        for (String part : from.split("\\.")) {
            node = node == null || !node.isObject() ? null : node.get(part);
        }
        return node;
    }

    /** Removes what {@link #field} read, and the objects it leaves empty, so that only unread fields are rescued. */
    private static void remove(ObjectNode object, String from) {
        if (object.has(from) || from.indexOf('.') < 0) {
            object.remove(from);
            return;
        }
        int dot = from.indexOf('.');
        JsonNode child = object.get(from.substring(0, dot));
        if (child instanceof ObjectNode nested) {
            remove(nested, from.substring(dot + 1));
            if (nested.isEmpty()) {
                object.remove(from.substring(0, dot));
            }
        }
    }

    /**
     * A JSON value of the wrong kind is an error, not something to cast: a number column that
     * starts arriving as a string is a change of type upstream and must be seen.
     */
    private static Optional<String> typeProblem(ColumnSpec column, JsonNode value) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        ColumnType type = column.type();
        boolean numeric = switch (type.kind()) {
            case INT, BIGINT, DECIMAL, DOUBLE -> true;
            default -> false;
        };
        if (numeric && !value.isNumber()) {
            return Optional.of("expected " + type + ", got " + kind(value) + " '" + value.asText() + "'");
        }
        if (type.kind() == ColumnType.Kind.BOOLEAN) {
            if (value.isBoolean()) {
                return Optional.empty();
            }
            if (!value.isTextual() || column.format().trueValues().isEmpty()) {
                return Optional.of("expected boolean, got " + kind(value));
            }
        }
        if (!value.isValueNode()) {
            return Optional.of("expected " + type + ", got " + kind(value));
        }
        return column.problemWith(value.asText());
    }

    private static String kind(JsonNode v) {
        return v.isTextual() ? "a string" : v.isNumber() ? "a number" : v.isObject() ? "an object"
                : v.isArray() ? "a list" : "a " + v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() ? null : node.toString();
    }
}
