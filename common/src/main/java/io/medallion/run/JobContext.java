package io.medallion.run;

import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import io.medallion.lake.LakePaths;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** Everything a job needs for one run. */
public record JobContext(String runId, String job, LocalDate runDate, Instant startedAt, PipelineSpec spec,
                         List<TableSpec> tables, SparkSession spark, EventLog events) {
    public JobContext {
        tables = List.copyOf(tables);
    }

    public LakePaths lake() {
        return new LakePaths(spec.storage().lakeRoot());
    }

    public RunLedger ledger() {
        return new RunLedger(spark, lake().ops(RunLedger.TABLE));
    }
}
