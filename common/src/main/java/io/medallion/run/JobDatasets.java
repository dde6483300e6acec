package io.medallion.run;

import io.medallion.lake.LakePaths;
import io.medallion.lake.TableRef;
import java.util.ArrayList;
import java.util.List;

/**
 * What a job run reads and writes, as locations (URIs): lake tables and, for bronze, the landing
 * folders. Lineage reports them as the run's inputs and outputs; they are what the spec says the
 * job touches, whether or not Spark's plans show it (a MERGE from a cached batch does not).
 */
public record JobDatasets(List<String> inputs, List<String> outputs) {
    public static final JobDatasets NONE = new JobDatasets(List.of(), List.of());

    public JobDatasets {
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
    }

    /** Lake tables read and written, plus other locations read. */
    public static JobDatasets of(LakePaths lake, List<String> otherInputs, List<TableRef> reads, List<TableRef> writes) {
        List<String> in = new ArrayList<>(otherInputs);
        reads.stream().map(lake::path).forEach(in::add);
        return new JobDatasets(in, writes.stream().map(lake::path).toList());
    }
}
