package io.medallion.jobs.quality;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/** The ops schemas are written as DDL: NOT NULL must still make a column non-nullable. */
class QualityResultsTest {
    @Test
    void ddlSchemasKeepTypesAndNullability() {
        assertThat(QualityResults.RESULTS_SCHEMA.fieldNames()).containsExactly("run_id", "run_date", "table_name",
                "constraint_name", "kind", "severity", "status", "metric_value", "message", "checked_at");
        assertThat(QualityResults.RESULTS_SCHEMA.apply("run_id").nullable()).isFalse();
        assertThat(QualityResults.RESULTS_SCHEMA.apply("metric_value").nullable()).isTrue();
        assertThat(QualityResults.RESULTS_SCHEMA.apply("metric_value").dataType()).isEqualTo(DataTypes.DoubleType);
        assertThat(QualityResults.METRICS_SCHEMA.apply("run_date").dataType()).isEqualTo(DataTypes.DateType);
        assertThat(QualityResults.METRICS_SCHEMA.apply("recorded_at").dataType()).isEqualTo(DataTypes.TimestampType);
    }
}
