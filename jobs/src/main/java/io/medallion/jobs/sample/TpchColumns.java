package io.medallion.jobs.sample;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchColumnType;
import io.trino.tpch.TpchTable;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.QuoteMode;

/**
 * One TPC-H table's columns, and its dbgen fields encoded as the other landing formats. TPC-H's
 * money columns ({@code DOUBLE} in the generator library) are {@code decimal(15,2)}, as the spec
 * declares them.
 */
final class TpchColumns {
    static final int MONEY_PRECISION = 15;
    static final int MONEY_SCALE = 2;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final CSVFormat CSV = CSVFormat.RFC4180.builder().setQuoteMode(QuoteMode.MINIMAL)
            .setRecordSeparator("").build();

    private final List<String> names;
    private final List<TpchColumnType.Base> types;

    private TpchColumns(List<String> names, List<TpchColumnType.Base> types) {
        this.names = names;
        this.types = types;
    }

    static TpchColumns of(String table) {
        List<? extends TpchColumn<?>> columns = TpchTable.getTable(table).getColumns();
        return new TpchColumns(columns.stream().map(TpchColumn::getColumnName).toList(),
                columns.stream().map(c -> c.getType().getBase()).toList());
    }

    List<String> names() {
        return names;
    }

    TpchColumnType.Base type(int i) {
        return types.get(i);
    }

    String csvHeader() {
        return csv(names.toArray(new String[0]));
    }

    /** An RFC 4180 record: quoted only where a field holds a comma, a quote or a line break. */
    static String csv(String[] fields) {
        if (Arrays.stream(fields).allMatch(TpchColumns::plain)) {
            return String.join(",", fields); // most records: no printer needed, the same text
        }
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = new CSVPrinter(out, CSV)) {
            printer.printRecord((Object[]) fields);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** A field Commons CSV's minimal quoting leaves as it is, wherever it stands in the record. */
    private static boolean plain(String field) {
        if (field.isEmpty() || field.charAt(0) <= '#' || field.charAt(field.length() - 1) <= ' ') {
            return false;
        }
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * A JSON object with typed values: numbers as numbers and the rest as strings, an empty field as
     * null. A field that is not the number its column holds (an injected defect) stays a string.
     */
    String json(String[] fields) {
        ObjectNode o = JSON.createObjectNode();
        for (int i = 0; i < fields.length; i++) {
            String name = names.get(i);
            String value = fields[i];
            if (value.isEmpty()) {
                o.putNull(name);
                continue;
            }
            switch (types.get(i)) {
                case IDENTIFIER, INTEGER, DOUBLE -> {
                    BigDecimal number = number(value);
                    if (number == null) {
                        o.put(name, value);
                    } else if (types.get(i) == TpchColumnType.Base.DOUBLE) {
                        o.put(name, number);
                    } else {
                        o.put(name, number.longValueExact());
                    }
                }
                default -> o.put(name, value);
            }
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static BigDecimal number(String text) {
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
