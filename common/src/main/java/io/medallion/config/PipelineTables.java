package io.medallion.config;

import io.medallion.lake.Layer;
import io.medallion.lake.TableRef;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

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

    /** Only those of {@code layer}. */
    static List<TableRef> in(Layer layer, List<TableRef> refs) {
        return refs.stream().filter(r -> r.layer() == layer).toList();
    }

    static String names(Collection<TableRef> refs) {
        return String.join(", ", refs.stream().map(TableRef::toString).sorted().toList());
    }
}
