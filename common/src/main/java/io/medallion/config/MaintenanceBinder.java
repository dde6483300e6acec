package io.medallion.config;

import io.medallion.lake.BronzeColumns;
import io.medallion.lake.Layer;
import io.medallion.lake.TableRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Binds the spec's {@code maintenance} section into one {@link MaintenanceSpec} per table of the
 * pipeline. Settings come from the layer's defaults in {@link SpecKeys}, then
 * {@code maintenance.<layer>}, then {@code maintenance.<layer>.<table>}:
 * <pre>
 * maintenance:
 *   archive_root: s3a://cold-bucket/archive
 *   bronze: {retain: {column: _batch_date, keep: 90d}}
 *   silver.lineitem: {zorder_by: [l_shipdate], target_file_size: 256MB}
 * </pre>
 */
final class MaintenanceBinder {
    private MaintenanceBinder() {
    }

    /**
     * @param section the {@code maintenance} section, if the spec has one
     * @param lakeRoot the lake root, under which archives go unless {@code archive_root} says otherwise
     */
    static Map<TableRef, MaintenanceSpec> bind(Optional<SpecNode> section, String lakeRoot,
                                               Collection<TableSpec> tables, Map<String, GoldModelSpec> gold) {
        Map<TableRef, List<String>> columns = PipelineTables.columns(tables, gold);
        Map<String, SpecNode> entries = new LinkedHashMap<>();
        String archiveRoot = lakeRoot + "/archive";
        if (section.isPresent()) {
            SpecNode node = section.get();
            for (Map.Entry<String, SpecNode> e : node.map(n -> n).entrySet()) {
                String key = e.getKey();
                if (key.equals(SpecKeys.ARCHIVE_ROOT.name())) {
                    archiveRoot = SpecKeys.ARCHIVE_ROOT.read(node).replaceFirst("/$", "");
                } else if (!isLayer(key) && !(TableRef.isQualified(key) && columns.containsKey(TableRef.parse(key)))) {
                    throw e.getValue().error("'" + key + "' is neither a layer (" + Layer.names(Layer.DATA)
                            + "), archive_root, nor a table of this pipeline named by layer and table (valid: "
                            + PipelineTables.names(columns.keySet()) + ")");
                } else {
                    entries.put(key, e.getValue().allowOnly(SpecKeys.in(SpecKeys.MAINTAINED)));
                }
            }
        }
        Map<TableRef, MaintenanceSpec> result = new LinkedHashMap<>();
        for (Map.Entry<TableRef, List<String>> table : columns.entrySet()) {
            TableRef ref = table.getKey();
            SpecNode layerNode = entries.get(ref.layer().specName());
            SpecNode tableNode = entries.get(ref.toString());
            MaintenanceSpec spec = settings(ref.layer(), layerNode, tableNode, archiveRoot);
            if (layerNode != null || tableNode != null) {
                check(spec, ref, table.getValue(), layerNode, tableNode);
            }
            result.put(ref, spec);
        }
        return result;
    }

    private static boolean isLayer(String key) {
        return Layer.DATA.stream().anyMatch(l -> l.specName().equals(key));
    }

    /** A setting from the table's entry, else the layer's, else the layer's default. */
    private static <T> T value(SpecKey<T> key, Layer layer, SpecNode layerNode, SpecNode tableNode) {
        for (SpecNode node : new SpecNode[] {tableNode, layerNode}) {
            if (node != null && node.has(key.name())) {
                return key.read(node);
            }
        }
        return key.defaultIn(layer);
    }

    private static MaintenanceSpec settings(Layer layer, SpecNode layerNode, SpecNode tableNode, String archiveRoot) {
        Optional<RetentionSpec> retain = Optional.empty();
        for (SpecNode node : new SpecNode[] {tableNode, layerNode}) {
            if (node != null && node.has(SpecKeys.RETAIN_SECTION.name())) {
                SpecNode r = SpecKeys.RETAIN_SECTION.read(node).allowOnly(SpecKeys.in(SpecKeys.RETAIN));
                long keep = SpecKeys.RETAIN_KEEP.read(r);
                if (keep % 24 != 0) {
                    throw r.error("keep", "retention is kept in whole days, such as 90d; got " + r.string("keep"));
                }
                retain = Optional.of(new RetentionSpec(SpecKeys.RETAIN_COLUMN.read(r), (int) (keep / 24)));
                break;
            }
        }
        return new MaintenanceSpec(value(SpecKeys.TARGET_FILE_SIZE, layer, layerNode, tableNode),
                value(SpecKeys.SMALL_FILE_THRESHOLD, layer, layerNode, tableNode),
                value(SpecKeys.ZORDER_BY, layer, layerNode, tableNode),
                value(SpecKeys.CLUSTER_BY, layer, layerNode, tableNode),
                value(SpecKeys.VACUUM_RETENTION, layer, layerNode, tableNode),
                value(SpecKeys.VACUUM_BELOW_SAFETY_MINIMUM, layer, layerNode, tableNode),
                value(SpecKeys.DELETED_FILE_RETENTION, layer, layerNode, tableNode),
                value(SpecKeys.LOG_RETENTION, layer, layerNode, tableNode),
                value(SpecKeys.CHECKPOINT_INTERVAL, layer, layerNode, tableNode),
                value(SpecKeys.STATS_COLUMNS, layer, layerNode, tableNode), retain, archiveRoot);
    }

    private static void check(MaintenanceSpec spec, TableRef table, List<String> columns, SpecNode layerNode,
                              SpecNode tableNode) {
        if (spec.vacuumRetentionHours() < spec.deletedFileRetentionHours() && !spec.vacuumBelowSafetyMinimum()) {
            SpecNode where = tableNode != null && tableNode.has("vacuum_retention") ? tableNode : layerNode;
            throw where.error("vacuum_retention", "VACUUM of " + table + " would keep " + spec.vacuumRetentionHours()
                    + " hours of removed files, below Delta's safety minimum of " + spec.deletedFileRetentionHours()
                    + " hours (deleted_file_retention); a reader or writer still using an older version could fail."
                    + " Raise vacuum_retention, or set vacuum_below_safety_minimum: true if no job can run during"
                    + " maintain");
        }
        if (!spec.zorderBy().isEmpty() && !spec.clusterBy().isEmpty()) {
            SpecNode where = tableNode != null && tableNode.has("cluster_by") ? tableNode : layerNode;
            throw where.error("cluster_by", table + " declares both zorder_by and cluster_by; liquid clustering "
                    + "(cluster_by) replaces Z-order, so keep one of them");
        }
        if (columns.isEmpty()) {
            return; // a gold model whose columns only its SQL tells: checked by maintain against the table
        }
        List<String> named = new ArrayList<>(spec.zorderBy());
        named.addAll(spec.clusterBy());
        named.addAll(spec.statsColumns());
        spec.retain().ifPresent(r -> named.add(r.column()));
        for (String column : named) {
            if (!columns.contains(column)) {
                SpecNode where = tableNode != null ? tableNode : layerNode;
                throw where.error("'" + column + "' is not a column of " + table + " (valid: "
                        + String.join(", ", columns) + ")");
            }
        }
    }
}
