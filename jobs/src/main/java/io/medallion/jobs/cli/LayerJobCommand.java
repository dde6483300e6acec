package io.medallion.jobs.cli;

import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.lake.Layer;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** A job on the spec's tables in the layer it is named after: {@code bronze} or {@code silver}. */
abstract class LayerJobCommand extends JobCommand {
    @Option(names = "--table", paramLabel = "TABLE",
            description = "Only this spec table, as orders or ${COMMAND-NAME}.orders (repeatable; default: every table).")
    List<String> tables = new ArrayList<>();

    @Override
    List<TableSpec> tables(PipelineSpec spec) {
        return TableSelection.specTables(spec, tables, Layer.parse(command.name()));
    }

    @Override
    List<io.medallion.lake.TableRef> writes(PipelineSpec spec) {
        Layer layer = Layer.parse(command.name());
        return tables(spec).stream().map(t -> new io.medallion.lake.TableRef(layer, t.name())).toList();
    }
}
