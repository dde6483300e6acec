package io.medallion.lake;

import java.util.Objects;

/**
 * A lake table by layer and name, written {@code layer.name} ({@code silver.orders}). The one
 * place that parses such names and derives the tables silver keeps beside a table: its
 * quarantine and its SCD type 2 history.
 */
public record TableRef(Layer layer, String name) {
    private static final String QUARANTINE_PREFIX = "_quarantine_";
    private static final String HISTORY_PREFIX = "dim_";

    public TableRef {
        Objects.requireNonNull(layer, "layer");
        if (name == null || name.isBlank() || name.contains(".")) {
            throw new IllegalArgumentException("'" + name + "' is not a table name");
        }
    }

    public static TableRef bronze(String name) {
        return new TableRef(Layer.BRONZE, name);
    }

    public static TableRef silver(String name) {
        return new TableRef(Layer.SILVER, name);
    }

    public static TableRef gold(String name) {
        return new TableRef(Layer.GOLD, name);
    }

    public static TableRef ops(String name) {
        return new TableRef(Layer.OPS, name);
    }

    /**
     * A {@code layer.name} reference.
     *
     * @throws IllegalArgumentException when the text has no layer, or not a known one
     */
    public static TableRef parse(String text) {
        int dot = text.indexOf('.');
        if (dot <= 0 || !Layer.isLayer(text.substring(0, dot)) || dot == text.length() - 1) {
            throw new IllegalArgumentException("'" + text + "' is not a lake table name; write layer.table with layer "
                    + "one of " + Layer.names(java.util.List.of(Layer.values())));
        }
        return new TableRef(Layer.parse(text.substring(0, dot)), text.substring(dot + 1));
    }

    /** {@code name} in {@code layer}, or {@code layer.name} as written. */
    public static TableRef parse(String text, Layer defaultLayer) {
        int dot = text.indexOf('.');
        return dot > 0 && Layer.isLayer(text.substring(0, dot)) ? parse(text) : new TableRef(defaultLayer, text);
    }

    /** Whether {@code text} starts with a layer, as in {@code silver.orders}; a CTE or a view does not. */
    public static boolean isQualified(String text) {
        int dot = text.indexOf('.');
        return dot > 0 && Layer.isLayer(text.substring(0, dot));
    }

    /** {@code silver._quarantine_<name>}: the rows silver kept out of this table. */
    public TableRef quarantine() {
        return silver(QUARANTINE_PREFIX + name);
    }

    /** {@code silver.dim_<name>}: a change feed's SCD type 2 history. */
    public TableRef history() {
        return silver(HISTORY_PREFIX + name);
    }

    /** The same name in another layer: the silver table of a bronze table. */
    public TableRef in(Layer other) {
        return new TableRef(other, name);
    }

    /** {@code <root>/<layer>/<name>} */
    public String path(String lakeRoot) {
        return lakeRoot + "/" + layer.specName() + "/" + name;
    }

    @Override
    public String toString() {
        return layer.specName() + "." + name;
    }
}
