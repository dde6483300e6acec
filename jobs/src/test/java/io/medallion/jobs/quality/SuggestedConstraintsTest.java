package io.medallion.jobs.quality;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.config.ConstraintKind;
import io.medallion.config.ConstraintSpec;
import io.medallion.config.PipelineSpec;
import io.medallion.config.PipelineSpecLoader;
import io.medallion.testing.TestSpark;
import io.medallion.testing.TestSpecs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deequ's suggestions for a table come out as a quality section our spec loader accepts. */
class SuggestedConstraintsTest {
    @TempDir
    Path dir;

    @Test
    void theSuggestionsParseBackAsAValidSpecSection() throws Exception {
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            rows.add(RowFactory.create((long) i, i % 3 == 0 ? "F" : i % 3 == 1 ? "O" : "it's \"P\"",
                    100.0 + i, "run-" + (i % 2)));
        }
        Dataset<Row> orders = TestSpark.session().createDataFrame(rows, new StructType()
                .add("o_orderkey", DataTypes.LongType)
                .add("o_orderstatus", DataTypes.StringType)
                .add("o_totalprice", DataTypes.DoubleType)
                .add("_silver_run_id", DataTypes.StringType));
        String yaml = SuggestedConstraints.yaml("silver.orders", orders);

        Path spec = TestSpecs.write(dir, "shop", """
                pipeline: shop
                storage: {lake_root: /lake, landing_root: /landing}
                tables:
                  orders:
                    source: {format: delimited, path: orders}
                    schema:
                      - {name: o_orderkey, type: bigint}
                      - {name: o_orderstatus, type: string}
                      - {name: o_totalprice, type: double}
                    key: [o_orderkey]
                """ + yaml);
        PipelineSpec loaded = new PipelineSpecLoader(Map.of(), dir).load(spec, "local");

        List<ConstraintSpec> constraints = loaded.quality().get(io.medallion.lake.TableRef.parse("silver.orders"));
        assertThat(constraints).extracting(c -> c.kind() + " " + String.join(",", c.columns()))
                .contains("COMPLETE o_orderkey", "UNIQUE o_orderkey", "NON_NEGATIVE o_totalprice",
                        "ALLOWED_VALUES o_orderstatus")
                .noneMatch(c -> c.contains("_silver_run_id"));
        ConstraintSpec statuses = constraints.stream().filter(c -> c.kind() == ConstraintKind.ALLOWED_VALUES)
                .findFirst().orElseThrow();
        assertThat(statuses.values()).containsExactlyInAnyOrder("F", "O", "it's \"P\"");
        assertThat(yaml).doesNotContain("Unable to map");
    }
}
