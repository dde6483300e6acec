package io.medallion.lake;

/** Where each layer's tables live under the lake root: {@code <root>/<layer>/<table>}. */
public record LakePaths(String root) {
    public static final String BRONZE = "bronze";
    public static final String SILVER = "silver";
    public static final String GOLD = "gold";
    public static final String OPS = "ops";

    public String table(String layer, String table) {
        return root + "/" + layer + "/" + table;
    }

    public String bronze(String table) {
        return table(BRONZE, table);
    }

    public String ops(String table) {
        return table(OPS, table);
    }
}
