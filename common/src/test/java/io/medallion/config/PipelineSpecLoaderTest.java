package io.medallion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Spec loading without Spark: defaults, overlays, substitution, and every kind of invalid spec. */
class PipelineSpecLoaderTest {
    @TempDir
    Path dir;

    private static final String VALID = """
            pipeline: shop
            storage:
              lake_root: ${LAKE:-lake}
              landing_root: /data/landing
            tables:
              orders:
                source: {format: delimited, path: orders}
                schema:
                  - {name: id, type: bigint, required: true}
                  - {name: amount, type: "decimal(12,2)"}
                  - {name: placed, type: date}
                key: [id]
                latest_by: [_batch_date, _source_line]
            """;

    private Path write(String relative, String text) throws IOException {
        Path file = dir.resolve(relative);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private PipelineSpec load(String yaml, Map<String, String> env) throws IOException {
        Path spec = write("conf/pipelines/shop.yaml", yaml);
        write("conf/env/local.yaml", "spark: {profile: local}\n");
        return new PipelineSpecLoader(env, dir).load(spec, "local");
    }

    @Test
    void defaultsArePinned() throws IOException {
        PipelineSpec spec = load("""
                storage: {lake_root: lake, landing_root: landing}
                tables:
                  t:
                    source: {format: delimited, path: t}
                    schema: [{name: a, type: string}]
                """, Map.of());
        assertThat(spec.name()).isEqualTo("shop");
        assertThat(spec.spark().profile()).isEqualTo(SparkProfile.LOCAL);
        assertThat(spec.spark().conf()).isEmpty();
        TableSpec t = spec.tables().get("t");
        assertThat(t.source().glob()).isEqualTo("*");
        assertThat(t.source().delimiter()).isEqualTo("|");
        assertThat(t.source().trailingDelimiter()).isTrue();
        assertThat(t.key()).isEmpty();
        assertThat(t.latestBy()).isEmpty();
        assertThat(t.partitionBy()).isEmpty();
        assertThat(t.cdc()).isEmpty();
        assertThat(t.schema().get(0).required()).isFalse();
        assertThat(spec.storage().lakeRoot()).isEqualTo(dir.resolve("lake").toUri().toString().replaceAll("/$", ""));
        assertThat(PipelineSpecLoader.DEFAULT_PIPELINE).isEqualTo("conf/pipelines/tpch.yaml");
        assertThat(PipelineSpecLoader.DEFAULT_ENV).isEqualTo("local");
    }

    @Test
    void cdcDefaultsArePinned() throws IOException {
        PipelineSpec spec = load("""
                storage: {lake_root: lake, landing_root: landing}
                tables:
                  c:
                    source: {format: jsonl, path: c}
                    cdc: {}
                    schema: [{name: id, type: bigint}]
                    key: id
                    latest_by: seq
                """, Map.of());
        CdcSpec cdc = spec.tables().get("c").cdc().orElseThrow();
        assertThat(cdc).isEqualTo(new CdcSpec("op", "seq", "before", "after"));
        assertThat(spec.tables().get("c").key()).containsExactly("id");
    }

    @Test
    void bindsTypesKeysAndSubstitutesTheEnvironment() throws IOException {
        PipelineSpec spec = load(VALID, Map.of("LAKE", "s3a://bucket/lake"));
        assertThat(spec.name()).isEqualTo("shop");
        assertThat(spec.storage().lakeRoot()).isEqualTo("s3a://bucket/lake");
        assertThat(spec.storage().landingRoot()).isEqualTo("file:///data/landing");
        TableSpec orders = spec.tables().get("orders");
        assertThat(orders.column("amount").orElseThrow().type()).isEqualTo(new ColumnType(ColumnType.Kind.DECIMAL, 12, 2));
        assertThat(orders.column("id").orElseThrow().required()).isTrue();
        assertThat(orders.key()).containsExactly("id");
        assertThat(orders.latestBy()).containsExactly("_batch_date", "_source_line");
    }

    @Test
    void envOverlayMergesKeyByKey() throws IOException {
        Path spec = write("conf/pipelines/shop.yaml", VALID);
        write("conf/env/prod.yaml", """
                spark:
                  profile: cluster
                  conf: {spark.sql.shuffle.partitions: "400"}
                storage:
                  lake_root: s3a://prod/lake
                """);
        PipelineSpec loaded = new PipelineSpecLoader(Map.of(), dir).load(spec, "prod");
        assertThat(loaded.spark().profile()).isEqualTo(SparkProfile.CLUSTER);
        assertThat(loaded.spark().conf()).containsEntry("spark.sql.shuffle.partitions", "400");
        assertThat(loaded.storage().lakeRoot()).isEqualTo("s3a://prod/lake");
        assertThat(loaded.storage().landingRoot()).isEqualTo("file:///data/landing");
        assertThat(loaded.tables()).containsKey("orders");
    }

    @Test
    void anErrorInAnOverlayNamesTheOverlayFile() throws IOException {
        Path spec = write("conf/pipelines/shop.yaml", VALID);
        write("conf/env/prod.yaml", "spark: {profile: cloud}\n");
        assertThatThrownBy(() -> new PipelineSpecLoader(Map.of(), dir).load(spec, "prod"))
                .isInstanceOf(SpecException.class)
                .hasMessageContaining("prod.yaml")
                .hasMessageContaining("spark.profile")
                .hasMessageContaining("'cloud' is not one of: local, cluster");
    }

    @Test
    void theShippedTpchSpecLoads() {
        Path repo = Path.of("").toAbsolutePath().getParent();
        PipelineSpec spec = new PipelineSpecLoader(Map.of(), repo)
                .load(repo.resolve("conf/pipelines/tpch.yaml"), "local");
        assertThat(spec.tables().keySet())
                .containsExactly("lineitem", "orders", "customer", "part", "partsupp", "supplier", "nation", "region");
        assertThat(spec.tables().get("lineitem").schema()).hasSize(16);
        assertThat(spec.tables().get("customer").cdc()).isPresent();
    }

    static Stream<Arguments> invalidSpecs() {
        return Stream.of(
                Arguments.of("unknown top-level key", VALID + "extras: 1\n", "extras", "unknown key 'extras'"),
                Arguments.of("typo in a table key", VALID.replace("latest_by:", "latestby:"),
                        "tables.orders.latestby", "unknown key 'latestby'"),
                Arguments.of("missing storage", VALID.replaceAll("(?s)storage:.*?tables:", "tables:"),
                        "storage", "required key is missing"),
                Arguments.of("missing lake root", VALID.replace("  lake_root: ${LAKE:-lake}\n", ""),
                        "storage.lake_root", "required key is missing"),
                Arguments.of("unknown format", VALID.replace("format: delimited", "format: xml"),
                        "tables.orders.source.format", "'xml' is not one of: delimited, jsonl"),
                Arguments.of("unknown type", VALID.replace("type: date", "type: datetime"),
                        "tables.orders.schema[2].type", "unknown type 'datetime'"),
                Arguments.of("bad decimal", VALID.replace("decimal(12,2)", "decimal(50,2)"),
                        "tables.orders.schema[1].type", "unknown type 'decimal(50,2)'"),
                Arguments.of("key not in schema", VALID.replace("key: [id]", "key: [order_id]"),
                        "tables.orders.key[0]", "column 'order_id' is not in the table's schema"),
                Arguments.of("latest_by not a column", VALID.replace("_source_line]", "_line]"),
                        "tables.orders.latest_by[1]", "column '_line' is not in the table's schema"),
                Arguments.of("duplicate column", VALID.replace("name: placed", "name: amount"),
                        "tables.orders.schema[2].name", "column 'amount' is declared twice"),
                Arguments.of("reserved column name", VALID.replace("name: placed", "name: _placed"),
                        "tables.orders.schema[2].name", "must be letters, digits and _"),
                Arguments.of("bad table name", VALID.replace("  orders:", "  Orders:"),
                        "tables.Orders", "table name 'Orders' must be lower case"),
                Arguments.of("no tables", VALID.substring(0, VALID.indexOf("tables:")) + "tables: {}\n",
                        "tables", "declare at least one table"),
                Arguments.of("schema not a list", VALID.replaceAll("(?s)schema:.*?key:", "schema: id\n    key:"),
                        "tables.orders.schema", "expected a list"),
                Arguments.of("unset variable", VALID.replace("/data/landing", "${LANDING_DIR}"),
                        "storage.landing_root", "environment variable LANDING_DIR is not set"),
                Arguments.of("cdc on delimited", VALID.replace("key: [id]", "key: [id]\n    cdc: {}"),
                        "tables.orders.cdc", "a change feed must be format jsonl"),
                Arguments.of("unknown source option", VALID.replace("path: orders}", "path: orders, options: {quote: x}}"),
                        "tables.orders.source.options.quote", "unknown key 'quote'"),
                Arguments.of("bad boolean", VALID.replace("required: true", "required: yes please"),
                        "tables.orders.schema[0].required", "expected true or false"),
                Arguments.of("not YAML", "tables: [unclosed\n", "", "not valid YAML"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidSpecs")
    void invalidSpecsNameFileKeyAndProblem(String caseName, String yaml, String keyPath, String problem) {
        assertThatThrownBy(() -> load(yaml, Map.of()))
                .isInstanceOfSatisfying(SpecException.class, e -> {
                    assertThat(e.file()).endsWith("shop.yaml");
                    assertThat(e.keyPath()).isEqualTo(keyPath);
                    assertThat(e.problem()).contains(problem);
                    assertThat(e.getMessage()).startsWith(e.file() + ": ");
                });
    }

    @Test
    void missingFilesAreSpecErrors() {
        assertThatThrownBy(() -> new PipelineSpecLoader(Map.of(), dir).load(dir.resolve("nope.yaml"), null))
                .isInstanceOf(SpecException.class).hasMessageContaining("nope.yaml").hasMessageContaining("file not found");
    }

    @Test
    void missingOverlayIsASpecError() throws IOException {
        Path spec = write("conf/pipelines/shop.yaml", VALID);
        assertThatThrownBy(() -> new PipelineSpecLoader(Map.of(), dir).load(spec, "staging"))
                .isInstanceOf(SpecException.class).hasMessageContaining("staging.yaml")
                .hasMessageContaining("env overlay 'staging' not found");
    }
}
