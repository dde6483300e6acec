package io.medallion.config;

import io.medallion.lake.BronzeColumns;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Binds the spec's {@code maintenance} section into one {@link MaintenanceSpec} per table of the
 * pipeline. Settings come from the layer's built-in defaults, then {@code maintenance.<layer>},
 * then {@code maintenance.<layer>.<table>}:
 * <pre>
 * maintenance:
 *   archive_root: s3a://cold-bucket/archive
 *   bronze: {retain: {column: _batch_date, keep: 90d}}
 *   silver.lineitem: {zorder_by: [l_shipdate], target_file_size: 256MB}
 * </pre>
 */
final class MaintenanceBinder {
    static final String[] SETTINGS = {"target_file_size", "small_file_threshold", "zorder_by", "cluster_by",
            "vacuum_retention",
            "vacuum_below_safety_minimum", "deleted_file_retention", "log_retention", "checkpoint_interval",
            "stats_columns", "retain"};
    private static final List<String> LAYERS = List.of("bronze", "silver", "gold");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KB|MB|GB)", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*([hd])");
    private static final long MB = 1024L * 1024;

    private MaintenanceBinder() {
    }

    /**
     * @param section the {@code maintenance} section, if the spec has one
     * @param lakeRoot the lake root, under which archives go unless {@code archive_root} says otherwise
     */
    static Map<String, MaintenanceSpec> bind(Optional<SpecNode> section, String lakeRoot,
                                             Collection<TableSpec> tables, Collection<String> goldModels) {
        Map<String, List<String>> columns = knownColumns(tables, goldModels);
        Map<String, SpecNode> entries = new LinkedHashMap<>();
        String archiveRoot = lakeRoot + "/archive";
        if (section.isPresent()) {
            SpecNode node = section.get();
            for (Map.Entry<String, SpecNode> e : node.map(n -> n).entrySet()) {
                String key = e.getKey();
                if (key.equals("archive_root")) {
                    archiveRoot = e.getValue().asText().replaceFirst("/$", "");
                } else if (!LAYERS.contains(key) && !columns.containsKey(key)) {
                    throw e.getValue().error("'" + key + "' is neither a layer (bronze, silver, gold), archive_root, "
                            + "nor a table of this pipeline named by layer and table (valid: "
                            + String.join(", ", columns.keySet()) + ")");
                } else {
                    entries.put(key, e.getValue().allowOnly(SETTINGS));
                }
            }
        }
        Map<String, MaintenanceSpec> result = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> table : columns.entrySet()) {
            String name = table.getKey();
            String layer = name.substring(0, name.indexOf('.'));
            Settings s = Settings.defaults(layer);
            SpecNode last = null;
            for (SpecNode node : new SpecNode[] {entries.get(layer), entries.get(name)}) {
                if (node != null) {
                    s.apply(node, archiveRoot);
                    last = node;
                }
            }
            MaintenanceSpec spec = s.build();
            if (last != null) {
                check(spec, name, table.getValue(), entries.get(layer), entries.get(name));
            }
            result.put(name, spec);
        }
        return result;
    }

    /** Every table's columns by {@code layer.table}; gold's are known only when its SQL runs (empty here). */
    private static Map<String, List<String>> knownColumns(Collection<TableSpec> tables, Collection<String> gold) {
        Map<String, List<String>> columns = new LinkedHashMap<>();
        for (TableSpec t : tables) {
            List<String> bronze = new ArrayList<>(t.columnNames());
            bronze.addAll(BronzeColumns.ALL);
            columns.put("bronze." + t.name(), bronze);
        }
        for (TableSpec t : tables) {
            columns.put("silver." + t.name(), t.columnNames());
        }
        for (String model : gold) {
            columns.put("gold." + model, List.of());
        }
        return columns;
    }

    private static void check(MaintenanceSpec spec, String table, List<String> columns, SpecNode layerNode,
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
            return; // gold: checked by maintain against the table itself
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

    /** Mutable settings while the layers of configuration are applied in turn. */
    private static final class Settings {
        long targetFileSize = 128 * MB;
        int smallFileThreshold = 4;
        List<String> zorderBy = List.of();
        List<String> clusterBy = List.of();
        long vacuumRetentionHours = 7 * 24;
        boolean vacuumBelowSafetyMinimum;
        long deletedFileRetentionHours = 7 * 24;
        long logRetentionHours = 30 * 24;
        int checkpointInterval = 10;
        List<String> statsColumns = List.of();
        Optional<RetentionSpec> retain = Optional.empty();

        /** Bronze gets one file per landing file and day, so it tolerates more before compacting. */
        static Settings defaults(String layer) {
            Settings s = new Settings();
            if (layer.equals("bronze")) {
                s.smallFileThreshold = 8;
            } else if (layer.equals("gold")) {
                s.targetFileSize = 64 * MB;
            }
            return s;
        }

        void apply(SpecNode node, String archiveRoot) {
            if (node.has("target_file_size")) {
                targetFileSize = size(node.get("target_file_size"));
            }
            if (node.has("small_file_threshold")) {
                smallFileThreshold = positive(node.get("small_file_threshold"));
            }
            if (node.has("zorder_by")) {
                zorderBy = node.strings("zorder_by");
            }
            if (node.has("cluster_by")) {
                clusterBy = node.strings("cluster_by");
            }
            if (node.has("vacuum_retention")) {
                vacuumRetentionHours = hours(node.get("vacuum_retention"));
            }
            vacuumBelowSafetyMinimum = node.bool("vacuum_below_safety_minimum", vacuumBelowSafetyMinimum);
            if (node.has("deleted_file_retention")) {
                deletedFileRetentionHours = hours(node.get("deleted_file_retention"));
            }
            if (node.has("log_retention")) {
                logRetentionHours = hours(node.get("log_retention"));
            }
            if (node.has("checkpoint_interval")) {
                checkpointInterval = positive(node.get("checkpoint_interval"));
            }
            if (node.has("stats_columns")) {
                statsColumns = node.strings("stats_columns");
            }
            if (node.has("retain")) {
                SpecNode r = node.get("retain").allowOnly("column", "keep");
                long keep = hours(r.get("keep"));
                if (keep % 24 != 0) {
                    throw r.error("keep", "retention is kept in whole days, such as 90d; got " + r.string("keep"));
                }
                retain = Optional.of(new RetentionSpec(r.string("column"), (int) (keep / 24), archiveRoot));
            }
        }

        MaintenanceSpec build() {
            return new MaintenanceSpec(targetFileSize, smallFileThreshold, zorderBy, clusterBy, vacuumRetentionHours,
                    vacuumBelowSafetyMinimum, deletedFileRetentionHours, logRetentionHours, checkpointInterval,
                    statsColumns, retain);
        }
    }

    /** A size such as {@code 128MB} in bytes. */
    static long size(SpecNode node) {
        Matcher m = SIZE.matcher(node.asText().trim());
        if (!m.matches()) {
            throw node.error("expected a size such as 64MB or 1GB, got '" + node.asText() + "'");
        }
        long unit = switch (m.group(2).toUpperCase(java.util.Locale.ROOT)) {
            case "KB" -> 1024L;
            case "MB" -> MB;
            case "GB" -> 1024 * MB;
            default -> 1L;
        };
        long bytes = Long.parseLong(m.group(1)) * unit;
        if (bytes <= 0) {
            throw node.error("a file size must be above 0, got '" + node.asText() + "'");
        }
        return bytes;
    }

    /** A duration such as {@code 168h} or {@code 90d} in hours. */
    static long hours(SpecNode node) {
        Matcher m = DURATION.matcher(node.asText().trim());
        if (!m.matches()) {
            throw node.error("expected a duration in hours or days such as 168h or 30d, got '" + node.asText() + "'");
        }
        long n = Long.parseLong(m.group(1));
        return m.group(2).equals("d") ? n * 24 : n;
    }

    private static int positive(SpecNode node) {
        try {
            int n = Integer.parseInt(node.asText());
            if (n >= 1) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw node.error("expected a whole number of at least 1, got '" + node.asText() + "'");
    }
}
