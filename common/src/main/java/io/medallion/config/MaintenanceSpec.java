package io.medallion.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * How {@code medallion maintain} keeps one table healthy, and the Delta properties the table is
 * created with. Every table has one: the built-in defaults of its layer, overridden by the spec's
 * {@code maintenance.<layer>} and then {@code maintenance.<layer>.<table>} settings.
 *
 * @param targetFileSize the size OPTIMIZE packs files towards, in bytes; smaller files are "small"
 * @param smallFileThreshold a partition is compacted only when it has more small files than this
 * @param zorderBy columns to Z-order by when compacting; empty for plain bin-packing
 * @param clusterBy Delta liquid clustering columns (an unpartitioned table); compaction then clusters
 * @param vacuumRetentionHours VACUUM removes unreferenced files older than this
 * @param vacuumBelowSafetyMinimum whether a VACUUM retention below {@code deletedFileRetentionHours} is allowed
 * @param deletedFileRetentionHours Delta's {@code delta.deletedFileRetentionDuration}, its VACUUM safety minimum
 * @param logRetentionHours Delta's {@code delta.logRetentionDuration}: how far back time travel can go
 * @param statsColumns Delta's {@code delta.dataSkippingStatsColumns}, to which the Z-order and clustering
 *     columns are added; empty for Delta's default (first 32 columns)
 * @param archiveRoot where retention archives this layer's tables, {@code <archiveRoot>/<layer>/<table>},
 *     declared or not: a table keeps its archive after its {@code retain} is removed
 */
public record MaintenanceSpec(long targetFileSize, int smallFileThreshold, List<String> zorderBy,
                              List<String> clusterBy, long vacuumRetentionHours, boolean vacuumBelowSafetyMinimum,
                              long deletedFileRetentionHours, long logRetentionHours, int checkpointInterval,
                              List<String> statsColumns, Optional<RetentionSpec> retain,
                              String archiveRoot) {
    public MaintenanceSpec {
        zorderBy = List.copyOf(zorderBy);
        clusterBy = List.copyOf(clusterBy);
        statsColumns = List.copyOf(statsColumns);
    }

    /** The Delta table properties these settings stand for, set when the table is created and by maintain. */
    public Map<String, String> tableProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("delta.deletedFileRetentionDuration", "interval " + deletedFileRetentionHours + " hours");
        p.put("delta.logRetentionDuration", "interval " + logRetentionHours + " hours");
        p.put("delta.checkpointInterval", String.valueOf(checkpointInterval));
        if (!statsColumns.isEmpty()) {
            // Z-order and clustering need statistics on their columns: Delta refuses them otherwise.
            java.util.Set<String> stats = new java.util.LinkedHashSet<>(statsColumns);
            stats.addAll(zorderBy);
            stats.addAll(clusterBy);
            p.put("delta.dataSkippingStatsColumns", String.join(",", stats));
        }
        return p;
    }
}
