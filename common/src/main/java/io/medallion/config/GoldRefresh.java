package io.medallion.config;

/** How a gold run rebuilds a model. */
public enum GoldRefresh {
    /** Only the partitions whose input rows changed since the last gold run (the model needs partition_by). */
    INCREMENTAL,
    /** The whole model, whenever an input changed. */
    FULL;

    public String specName() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
