package io.medallion.config;

import io.medallion.lake.BronzeColumns;
import io.medallion.lake.Layer;
import io.medallion.lake.TableRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The lake tables a pipeline's tables and gold models make, by layer. */
final class PipelineTables {
    private PipelineTables() {
    }

    /**
     * @param derived whether to include silver's quarantine and history tables
     */
    static List<TableRef> of(Collection<TableSpec> tables, Collection<String> goldModels, boolean derived) {
        List<TableRef> refs = new ArrayList<>();
        tables.forEach(t -> refs.add(TableRef.bronze(t.name())));
        for (TableSpec t : tables) {
            refs.add(TableRef.silver(t.name()));
            if (derived) {
                refs.add(TableRef.silver(t.name()).quarantine());
                t.cdc().ifPresent(c -> refs.add(TableRef.silver(t.name()).history()));
            }
        }
        goldModels.forEach(m -> refs.add(TableRef.gold(m)));
        return refs;
    }

    /**
     * The columns of each bronze, silver and gold table (not quarantine or history), as far as
     * they are known at load: a gold model's only when its outermost select names each column,
     * otherwise empty, which means "known only when its SQL runs".
     */
    static Map<TableRef, List<String>> columns(Collection<TableSpec> tables, Map<String, GoldModelSpec> gold) {
        Map<TableRef, List<String>> columns = new LinkedHashMap<>();
        for (TableRef ref : of(tables, gold.keySet(), false)) {
            List<String> names = new ArrayList<>();
            if (ref.layer() == Layer.GOLD) {
                SqlColumns.output(gold.get(ref.name()).sql()).ifPresent(names::addAll);
            } else {
                tables.stream().filter(t -> t.name().equals(ref.name())).findFirst()
                        .ifPresent(t -> names.addAll(t.columnNames()));
            }
            if (ref.layer() == Layer.BRONZE) {
                names.addAll(BronzeColumns.ALL);
            }
            columns.put(ref, names);
        }
        return columns;
    }

    /** Only those of {@code layer}. */
    static List<TableRef> in(Layer layer, List<TableRef> refs) {
        return refs.stream().filter(r -> r.layer() == layer).toList();
    }

    static String names(Collection<TableRef> refs) {
        return String.join(", ", refs.stream().map(TableRef::toString).sorted().toList());
    }
}
