package io.medallion.lake;

import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/** The lake's layers, each a folder under the lake root and a database in Spark SQL. */
public enum Layer {
    BRONZE, SILVER, GOLD,
    /** The run ledger, progress records and quality results: tables about the data, not data. */
    OPS;

    /** The layers that hold data: the ones a spec declares tables, constraints and maintenance for. */
    public static final List<Layer> DATA = List.of(BRONZE, SILVER, GOLD);

    /** The name in paths, table names and the spec: {@code bronze}, {@code silver} … */
    public String specName() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return specName();
    }

    /**
     * @throws IllegalArgumentException naming the valid layers
     */
    public static Layer parse(String text) {
        for (Layer l : values()) {
            if (l.specName().equals(text)) {
                return l;
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a layer; layers: " + names(List.of(values())));
    }

    public static String names(List<Layer> layers) {
        return String.join(", ", layers.stream().map(Layer::specName).toList());
    }

    public static boolean isLayer(String text) {
        return Stream.of(values()).anyMatch(l -> l.specName().equals(text));
    }
}
