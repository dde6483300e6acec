package io.medallion.jobs.cli;

import io.medallion.config.ConstraintSpec;
import io.medallion.config.GoldModelSpec;
import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.jobs.maintain.MaintainJob;
import io.medallion.lake.Layer;
import io.medallion.lake.TableRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code --table} selects, the same way in every command: {@code name} or
 * {@code layer.name}, parsed by {@link TableRef}, checked against the spec, with an error that
 * lists what the command would accept.
 */
final class TableSelection {
    private TableSelection() {
    }

    /**
     * The spec tables named (as {@code name} or {@code layer.name} in one of {@code layers}), or all of them.
     *
     * @throws IllegalArgumentException naming the unknown table and the valid ones
     */
    static List<TableSpec> specTables(PipelineSpec spec, List<String> names, Layer... layers) {
        if (names.isEmpty()) {
            return List.copyOf(spec.tables().values());
        }
        List<TableSpec> selected = new ArrayList<>();
        for (String n : names) {
            TableRef ref = TableRef.parse(n, layers[0]);
            TableSpec t = List.of(layers).contains(ref.layer()) ? spec.tables().get(ref.name()) : null;
            if (t == null) {
                throw unknown(n, spec, String.join(", ", spec.tables().keySet()));
            }
            selected.add(t);
        }
        return List.copyOf(selected);
    }

    /** The gold models named ({@code name} or {@code gold.name}), or all of them. */
    static List<GoldModelSpec> models(PipelineSpec spec, List<String> names) {
        if (spec.gold().isEmpty()) {
            throw new IllegalArgumentException(spec.file() + " declares no gold models (key 'gold')");
        }
        if (names.isEmpty()) {
            return List.copyOf(spec.gold().values());
        }
        List<GoldModelSpec> selected = new ArrayList<>();
        for (String n : names) {
            TableRef ref = TableRef.parse(n, Layer.GOLD);
            GoldModelSpec m = ref.layer() == Layer.GOLD ? spec.gold().get(ref.name()) : null;
            if (m == null) {
                throw unknown(n, spec, "gold models " + String.join(", ", spec.gold().keySet()));
            }
            selected.add(m);
        }
        return selected;
    }

    /**
     * The tables maintain keeps that are named: {@code layer.name} is that table, a bare name is
     * every layer's table of that name; all of them when none is named.
     */
    static List<TableRef> maintained(PipelineSpec spec, List<String> names) {
        List<TableRef> all = MaintainJob.allTables(spec);
        if (names.isEmpty()) {
            return all;
        }
        List<TableRef> selected = new ArrayList<>();
        for (String n : names) {
            List<TableRef> matching = all.stream().filter(t -> TableRef.isQualified(n) ? t.equals(TableRef.parse(n))
                    : t.name().equals(n)).toList();
            if (matching.isEmpty()) {
                throw unknown(n, spec, names(all));
            }
            matching.stream().filter(t -> !selected.contains(t)).forEach(selected::add);
        }
        return selected;
    }

    /**
     * The declared constraint suites named: {@code name} in {@code layer}, or {@code layer.name};
     * every suite of {@code layer} when none is named.
     *
     * @param layer the layer of bare names and of the default selection; may be null when every name has one
     */
    static Map<TableRef, List<ConstraintSpec>> suites(PipelineSpec spec, Layer layer, List<String> names) {
        if (names.isEmpty()) {
            return spec.quality(layer);
        }
        Map<TableRef, List<ConstraintSpec>> selected = new LinkedHashMap<>();
        for (String n : names) {
            if (layer == null && !TableRef.isQualified(n)) {
                throw new IllegalArgumentException("--table " + n + ": name the layer (silver." + n
                        + "), or give --layer");
            }
            TableRef ref = layer == null ? TableRef.parse(n) : TableRef.parse(n, layer);
            if (layer != null && ref.layer() != layer) {
                throw new IllegalArgumentException("--table " + n + " is not in --layer " + layer);
            }
            List<ConstraintSpec> constraints = spec.quality().get(ref);
            if (constraints == null && isFresh(spec, ref)) {
                continue;
            }
            if (constraints == null) {
                throw new IllegalArgumentException("no quality constraints are declared for " + ref + " in "
                        + spec.file() + " (key 'quality'); tables with constraints: " + names(spec.quality().keySet()));
            }
            selected.put(ref, constraints);
        }
        return selected;
    }

    /**
     * The spec tables whose freshness a quality run of {@code layer} checks: silver's, those named
     * (as for {@link #suites}) or every one that declares freshness.
     */
    static List<TableSpec> fresh(PipelineSpec spec, Layer layer, List<String> names) {
        List<TableSpec> fresh = new ArrayList<>();
        for (TableSpec t : spec.tables().values()) {
            TableRef ref = TableRef.silver(t.name());
            boolean named = names.isEmpty() ? layer == Layer.SILVER : names.stream().anyMatch(n ->
                    (layer == null || TableRef.isQualified(n) ? TableRef.parse(n) : TableRef.parse(n, layer)).equals(ref));
            if (named && isFresh(spec, ref)) {
                fresh.add(t);
            }
        }
        return fresh;
    }

    private static boolean isFresh(PipelineSpec spec, TableRef ref) {
        TableSpec t = spec.tables().get(ref.name());
        return ref.layer() == Layer.SILVER && t != null && t.freshness().declared();
    }

    private static IllegalArgumentException unknown(String name, PipelineSpec spec, String valid) {
        return new IllegalArgumentException("unknown table '" + name + "' in --table; valid in " + spec.file() + ": "
                + valid);
    }

    static String names(java.util.Collection<TableRef> refs) {
        return String.join(", ", refs.stream().map(TableRef::toString).toList());
    }
}
