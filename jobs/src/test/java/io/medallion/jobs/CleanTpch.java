package io.medallion.jobs;

import io.medallion.config.ColumnSpec;
import io.medallion.config.ColumnType;
import io.trino.tpch.CustomerGenerator;
import io.trino.tpch.LineItemGenerator;
import io.trino.tpch.NationGenerator;
import io.trino.tpch.OrderGenerator;
import io.trino.tpch.PartGenerator;
import io.trino.tpch.PartSupplierGenerator;
import io.trino.tpch.RegionGenerator;
import io.trino.tpch.SupplierGenerator;
import io.trino.tpch.TpchEntity;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Clean TPC-H, from the generator library rather than our landing files, and silver tables
 * rendered the same way, so that a test can say "silver equals TPC-H row for row".
 */
public final class CleanTpch {
    public static final List<String> TABLES =
            List.of("orders", "lineitem", "customer", "part", "partsupp", "supplier", "nation", "region");

    private CleanTpch() {
    }

    /** TPC-H's rows of {@code table} at {@code scale}. */
    public static Iterable<? extends TpchEntity> rows(String table, double scale) {
        return switch (table) {
            case "orders" -> new OrderGenerator(scale, 1, 1);
            case "lineitem" -> new LineItemGenerator(scale, 1, 1);
            case "customer" -> new CustomerGenerator(scale, 1, 1);
            case "part" -> new PartGenerator(scale, 1, 1);
            case "partsupp" -> new PartSupplierGenerator(scale, 1, 1);
            case "supplier" -> new SupplierGenerator(scale, 1, 1);
            case "nation" -> new NationGenerator();
            case "region" -> new RegionGenerator();
            default -> throw new IllegalArgumentException(table);
        };
    }

    /** A silver table's first {@code columns} columns as dbgen lines, with how often each occurs. */
    public static Map<String, Integer> silverLines(Dataset<Row> silver, int columns) {
        String[] declared = Arrays.copyOf(silver.columns(), columns);
        List<String> cast = new ArrayList<>();
        for (String c : declared) {
            cast.add("coalesce(cast(`" + c + "` as string), '')");
        }
        Map<String, Integer> lines = new HashMap<>();
        for (Row r : silver.selectExpr("concat_ws('|', " + String.join(", ", cast) + ")").collectAsList()) {
            lines.merge(r.getString(0) + "|", 1, Integer::sum);
        }
        return lines;
    }

    /**
     * TPC-H's rows as dbgen lines, with decimals at the declared scale (dbgen writes a quantity
     * of 23 as "23"; silver holds decimal(15,2) 23.00, the same value), and {@code pii} columns
     * as silver must store them: hashed with the salt, or masked to the last four characters.
     */
    public static Map<String, Integer> tpchLines(List<ColumnSpec> schema, Iterable<? extends TpchEntity> rows,
                                                 String salt) {
        Map<String, Integer> lines = new HashMap<>();
        rows.forEach(r -> {
            String[] f = r.toLine().substring(0, r.toLine().length() - 1).split("\\|", -1);
            for (int i = 0; i < f.length; i++) {
                ColumnType type = schema.get(i).type();
                if (type.kind() == ColumnType.Kind.DECIMAL) {
                    f[i] = new BigDecimal(f[i]).setScale(type.scale()).toPlainString();
                }
                switch (schema.get(i).pii()) {
                    case HASH -> f[i] = sha256Hex(salt + f[i]);
                    case MASK -> f[i] = "*".repeat(Math.max(0, f[i].length() - 4)) + f[i].substring(
                            Math.max(0, f[i].length() - 4));
                    case NONE -> { }
                }
            }
            lines.merge(String.join("|", f) + "|", 1, Integer::sum);
        });
        return lines;
    }

    /** Equal line counts, failing with a few of the lines that differ rather than every line of both. */
    public static void assertSameLines(String what, Map<String, Integer> actual, Map<String, Integer> expected) {
        List<String> missing = new ArrayList<>();
        List<String> extra = new ArrayList<>();
        expected.forEach((line, n) -> {
            if (!n.equals(actual.get(line))) {
                missing.add(n + "x " + line + " (found " + actual.getOrDefault(line, 0) + ")");
            }
        });
        actual.forEach((line, n) -> {
            if (!expected.containsKey(line)) {
                extra.add(n + "x " + line);
            }
        });
        if (!missing.isEmpty() || !extra.isEmpty()) {
            throw new AssertionError(what + ": " + missing.size() + " expected line(s) missing or miscounted, e.g. "
                    + missing.subList(0, Math.min(3, missing.size())) + "; " + extra.size()
                    + " unexpected, e.g. " + extra.subList(0, Math.min(3, extra.size())));
        }
    }

    private static String sha256Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
