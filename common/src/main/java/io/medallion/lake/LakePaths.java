package io.medallion.lake;

/** Where each layer's tables live under the lake root: {@code <root>/<layer>/<table>}. */
public record LakePaths(String root) {
    public String path(TableRef table) {
        return table.path(root);
    }

    public String ops(String table) {
        return path(TableRef.ops(table));
    }

    /** A layer's folder. */
    public String folder(Layer layer) {
        return root + "/" + layer.specName();
    }
}
