package io.medallion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medallion.lake.TableRef;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    private static final String JDBC_FROM = "{format: delimited, path: orders}";
    private static final String JDBC = "{format: jdbc, url: \"jdbc:postgresql://db:5432/shop\", user: app, "
            + "password: \"${PG_PASSWORD:-unset}\", table: shop.orders, watermark: [placed, id]}";

    @Test
    void aDatabaseSourceBindsItsConnectionExtractAndDefaults() throws IOException {
        PipelineSpec spec = load(VALID.replace(JDBC_FROM, JDBC.replace("id]}", "id], partition_column: id, partitions: 4}"))
                .replace("latest_by: [_batch_date, _source_line]\n", ""), Map.of("PG_PASSWORD", "s3cret"));
        TableSpec orders = spec.tables().get("orders");
        JdbcSpec jdbc = orders.source().jdbc();
        assertThat(orders.source().format()).isEqualTo(SourceFormat.JDBC);
        assertThat(jdbc.password()).isEqualTo("s3cret");
        assertThat(jdbc.mode()).isEqualTo(JdbcMode.INCREMENTAL);
        assertThat(jdbc.watermark()).containsExactly("placed", "id");
        assertThat(jdbc.lag()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(jdbc.partitions()).isEqualTo(4);
        assertThat(jdbc.connectAttempts()).isEqualTo(3);
        assertThat(jdbc.retryBackoff()).isEqualTo(java.time.Duration.ofSeconds(2));
        assertThat(orders.latestBy()).as("a key's newest extract wins").containsExactly("placed", "id");
        assertThat(jdbc.toString()).doesNotContain("s3cret");
        assertThat(jdbc.describe()).isEqualTo("jdbc:postgresql://db:5432/shop#shop.orders");
        assertThat(JdbcUrls.withoutCredentials("jdbc:postgresql://u:pw@db/shop?user=u&password=pw&ssl=true"))
                .isEqualTo("jdbc:postgresql://db/shop?ssl=true");
        assertThat(orders.reconcile()).as("no section: strict, and not a pipeline stage")
                .isEqualTo(new ReconcileSpec(0, 10, false));

        PipelineSpec reconciled = load(VALID.replace(JDBC_FROM, JDBC).replace("latest_by: [_batch_date, _source_line]\n",
                "reconcile: {max_discrepancy: 0.001}\n"), Map.of());
        assertThat(reconciled.tables().get("orders").reconcile()).isEqualTo(new ReconcileSpec(0.001, 10, true));
    }

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
                    key: [a]
                """, Map.of());
        assertThat(spec.name()).isEqualTo("shop");
        assertThat(spec.spark().profile()).isEqualTo(SparkProfile.LOCAL);
        assertThat(spec.spark().conf()).isEmpty();
        TableSpec t = spec.tables().get("t");
        assertThat(t.source().glob()).isEqualTo("*");
        assertThat(t.source().delimiter()).isEqualTo("|");
        assertThat(t.source().trailingDelimiter()).isTrue();
        assertThat(t.latestBy()).isEmpty();
        assertThat(t.partitionBy()).isEmpty();
        assertThat(t.cdc()).isEmpty();
        assertThat(t.schema().get(0).required()).isFalse();
        assertThat(spec.piiSalt()).isEmpty();
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

    private static final String WITH_RULES = """
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
                  - {name: note, type: string, standardize: lower, pii: mask}
                  - {name: placed, type: date}
                key: [id]
                latest_by: [_batch_date, _source_line]
                quarantine: {max_rate: 0.01, on_gate: commit}
                rules:
                  - {name: amount_range, check: range, column: amount, min: 0, max: 1000.5}
                  - {name: note_domain, check: allowed_values, column: note, values: [a, b], action: warn}
                  - {name: note_shape, check: pattern, column: note, regex: '^[a-z]+$', action: drop}
                  - {name: recent, check: predicate, predicate: "placed >= DATE'2020-01-01'", action: fail}
                  - {name: parent_exists, check: references, column: id, table: silver.orders, to: id}
            """;

    /** The same rules in the spelling of earlier versions, which still loads (with a warning per rule). */
    private static final String WITH_LEGACY_RULES = WITH_RULES.substring(0, WITH_RULES.indexOf("    rules:")) + """
                rules:
                  - {name: amount_range, column: amount, range: {min: 0, max: 1000.5}}
                  - {name: note_domain, column: note, allowed: [a, b], action: warn}
                  - {name: note_shape, column: note, pattern: '^[a-z]+$', action: drop}
                  - {name: recent, check: "placed >= DATE'2020-01-01'", action: fail}
                  - {name: parent_exists, column: id, references: {table: orders, column: id}}
            """;

    @Test
    void rulesAndCleaningBind() throws IOException {
        TableSpec orders = load(WITH_RULES, Map.of()).tables().get("orders");
        assertThat(orders.maxQuarantineRate()).isEqualTo(0.01);
        assertThat(orders.onGate()).isEqualTo(QuarantineGate.COMMIT);
        assertThat(orders.rules()).containsExactly(
                new RuleSpec.Range("amount_range", RuleAction.QUARANTINE, "amount", "0", "1000.5"),
                new RuleSpec.Allowed("note_domain", RuleAction.WARN, "note", java.util.List.of("a", "b")),
                new RuleSpec.Pattern("note_shape", RuleAction.DROP, "note", "^[a-z]+$"),
                new RuleSpec.Check("recent", RuleAction.FAIL, "placed >= DATE'2020-01-01'"),
                new RuleSpec.References("parent_exists", RuleAction.QUARANTINE, "id", "orders", "id"));
        ColumnSpec note = orders.column("note").orElseThrow();
        assertThat(note.standardize()).isEqualTo(Standardize.LOWER);
        assertThat(note.pii()).isEqualTo(Pii.MASK);
    }

    @Test
    void anUnknownKeyListsTheSectionsKeysFromTheCatalog() {
        assertThatThrownBy(() -> load(VALID.replace("format: delimited", "format: delimited, globb: x"), Map.of()))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.problem())
                        .isEqualTo("unknown key 'globb'; valid keys here: " + String.join(", ",
                                new java.util.TreeSet<>(List.of(SpecKeys.in(SpecKeys.SOURCE))))));
    }

    @Test
    void rulesInTheOldSpellingBindToTheSameRulesWithAWarningEach() throws IOException {
        PipelineSpec legacy = load(WITH_LEGACY_RULES, Map.of());
        PipelineSpec current = load(WITH_RULES, Map.of());
        assertThat(legacy.tables().get("orders").rules()).isEqualTo(current.tables().get("orders").rules());
        assertThat(current.warnings()).isEmpty();
        assertThat(legacy.warnings()).hasSize(5).allMatch(w -> w.contains("shop.yaml: tables.orders.rules["))
                .anyMatch(w -> w.contains("rules[0].range: the old spelling of a rule; write check: range, min:"))
                .anyMatch(w -> w.contains("rules[1].allowed") && w.contains("check: allowed_values, values:"))
                .anyMatch(w -> w.contains("rules[2].pattern") && w.contains("check: pattern, regex:"))
                .anyMatch(w -> w.contains("rules[3].check") && w.contains("check: predicate, predicate:"))
                .anyMatch(w -> w.contains("rules[4].references") && w.contains("check: references, table:"));
    }

    @Test
    void ruleDefaultsArePinned() throws IOException {
        TableSpec orders = load(VALID, Map.of()).tables().get("orders");
        assertThat(orders.rules()).isEmpty();
        assertThat(orders.maxQuarantineRate()).isEqualTo(0.05).isEqualTo(SpecKeys.MAX_RATE.defaultValue());
        assertThat(orders.onGate()).isEqualTo(QuarantineGate.HOLD).isEqualTo(SpecKeys.ON_GATE.defaultValue());
        assertThat(SpecKeys.ACTION.defaultValue()).isEqualTo(RuleAction.QUARANTINE);
        assertThat(orders.column("id").orElseThrow().standardize()).isEqualTo(Standardize.NONE);
        assertThat(orders.column("id").orElseThrow().pii()).isEqualTo(Pii.NONE);
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
    void overlaysApplyInTheOrderGivenAndTheLaterWins() throws IOException {
        Path spec = write("conf/pipelines/shop.yaml", VALID);
        write("conf/env/laptop.yaml", "spark: {profile: local, conf: {a: laptop, b: laptop}}\n");
        write("conf/env/store.yaml", "spark: {conf: {b: store}}\nstorage: {lake_root: s3a://b/lake}\n");
        PipelineSpec both = new PipelineSpecLoader(Map.of(), dir).load(spec, "laptop, store");
        assertThat(both.spark().profile()).isEqualTo(SparkProfile.LOCAL);
        assertThat(both.spark().conf()).containsEntry("a", "laptop").containsEntry("b", "store");
        assertThat(both.storage().lakeRoot()).isEqualTo("s3a://b/lake");
        assertThat(new PipelineSpecLoader(Map.of(), dir).load(spec, "store,laptop").spark().conf())
                .containsEntry("b", "laptop");
        assertThatThrownBy(() -> new PipelineSpecLoader(Map.of(), dir).load(spec, "laptop,stor"))
                .isInstanceOf(SpecException.class).hasMessageContaining("env overlay 'stor' not found");
    }

    @Test
    void thePiiSaltComesFromTheEnvironmentWithAnOverlayDefault() throws IOException {
        Path spec = write("conf/pipelines/shop.yaml", VALID + "privacy: {pii_salt: \"${SALT:-}\"}\n");
        write("conf/env/dev.yaml", "privacy: {pii_salt: \"${SALT:-dev-only}\"}\n");
        write("conf/env/prod.yaml", "spark: {profile: cluster}\n");
        assertThat(new PipelineSpecLoader(Map.of(), dir).load(spec, "prod").piiSalt()).isEmpty();
        assertThat(new PipelineSpecLoader(Map.of(), dir).load(spec, "dev").piiSalt()).isEqualTo("dev-only");
        assertThat(new PipelineSpecLoader(Map.of("SALT", "s3cret"), dir).load(spec, "dev").piiSalt())
                .isEqualTo("s3cret");
    }

    @Test
    void goldModelsBindWithTheirSqlAndInputs() throws IOException {
        write("conf/gold/daily.sql", "SELECT placed, SUM(amount) AS amount FROM silver.orders GROUP BY placed");
        PipelineSpec spec = load(VALID + """
                gold:
                  daily: {sql: ../gold/daily.sql, grain: [placed], partition_by: [placed]}
                  all_time: {sql: ../gold/daily.sql, grain: [placed], refresh: full}
                """, Map.of());
        GoldModelSpec daily = spec.gold().get("daily");
        assertThat(daily.inputs()).containsExactly(TableRef.parse("silver.orders"));
        assertThat(daily.sql()).startsWith("SELECT placed");
        assertThat(daily.incremental()).isTrue();
        assertThat(spec.gold().get("all_time").incremental()).isFalse();
    }

    @Test
    void aGoldModelThatDoesNotParseOrReadsAnUnknownTableNamesItsFile() throws IOException {
        write("conf/gold/broken.sql", "SELEC amount FROM silver.orders");
        assertThatThrownBy(() -> load(VALID + "gold: {m: {sql: ../gold/broken.sql, grain: [a]}}\n", Map.of()))
                .isInstanceOf(SpecException.class).hasMessageContaining("broken.sql")
                .hasMessageContaining("gold.m.sql").hasMessageContaining("does not parse");
        write("conf/gold/typo.sql", "SELECT * FROM silver.order");
        assertThatThrownBy(() -> load(VALID + "gold: {m: {sql: ../gold/typo.sql, grain: [a]}}\n", Map.of()))
                .isInstanceOf(SpecException.class).hasMessageContaining("typo.sql")
                .hasMessageContaining("reads 'silver.order'").hasMessageContaining("silver.orders");
        assertThatThrownBy(() -> load(VALID + "gold: {m: {sql: ../gold/none.sql, grain: [a]}}\n", Map.of()))
                .isInstanceOf(SpecException.class).hasMessageContaining("gold.m.sql")
                .hasMessageContaining("none.sql");
    }

    @Test
    void aReferenceRuleMayRetryQuarantinedRowsForAWhile() throws IOException {
        TableSpec orders = load(WITH_RULES.replace("table: silver.orders, to: id}", "table: silver.orders, to: id, "
                + "retry: 3d}"), Map.of()).tables().get("orders");
        assertThat(orders.rules().get(4)).isEqualTo(new RuleSpec.References("parent_exists", RuleAction.QUARANTINE,
                "id", "orders", "id", java.util.Optional.of(java.time.Duration.ofDays(3))));
        assertThatThrownBy(() -> load(WITH_RULES.replace("table: silver.orders, to: id}", "table: silver.orders, "
                + "to: id, retry: 3d, action: drop}"), Map.of()))
                .isInstanceOfSatisfying(SpecException.class, e -> {
                    assertThat(e.keyPath()).isEqualTo("tables.orders.rules[4].retry");
                    assertThat(e.problem()).contains("only a quarantined row can be retried");
                });
        assertThatThrownBy(() -> load(WITH_RULES.replace("min: 0, max: 1000.5}", "min: 0, max: 1000.5, retry: 1d}"),
                Map.of())).hasMessageContaining("unknown key 'retry'");
    }

    @Test
    void goldModelsMayReadGoldModelsButNotInACycle() throws IOException {
        write("conf/gold/daily.sql", "SELECT placed AS day, sum(amount) AS total FROM silver.orders GROUP BY placed");
        write("conf/gold/best.sql", "SELECT max(total) AS total FROM gold.daily");
        PipelineSpec spec = load(VALID + "gold: {best: {sql: ../gold/best.sql, grain: [total]}, "
                + "daily: {sql: ../gold/daily.sql, grain: [day]}}\n", Map.of());
        assertThat(spec.gold().get("best").inputs()).extracting(TableRef::toString).containsExactly("gold.daily");
        assertThat(spec.gold().get("daily").goldInputs()).isEmpty();

        write("conf/gold/a.sql", "SELECT * FROM gold.b");
        write("conf/gold/b.sql", "SELECT * FROM gold.c JOIN silver.orders");
        write("conf/gold/c.sql", "SELECT * FROM gold.a");
        assertThatThrownBy(() -> load(VALID + "gold: {a: {sql: ../gold/a.sql, grain: [x]}, b: {sql: ../gold/b.sql, "
                + "grain: [x]}, c: {sql: ../gold/c.sql, grain: [x]}}\n", Map.of()))
                .isInstanceOfSatisfying(SpecException.class, e -> {
                    assertThat(e.keyPath()).isEqualTo("gold.a.sql");
                    assertThat(e.problem()).contains("gold models read each other in a cycle: a -> b -> c -> a");
                });
        write("conf/gold/typo.sql", "SELECT * FROM gold.dayly");
        assertThatThrownBy(() -> load(VALID + "gold: {t: {sql: ../gold/typo.sql, grain: [x]}, "
                + "daily: {sql: ../gold/daily.sql, grain: [day]}}\n", Map.of()))
                .hasMessageContaining("reads 'gold.dayly', which is not a table of this pipeline")
                .hasMessageContaining("gold.daily");
    }

    @Test
    void aGoldModelThatReadsItselfOrNamesColumnsItDoesNotSelectFailsAtLoad() throws IOException {
        write("conf/gold/daily.sql", "SELECT placed AS day, sum(amount) AS total FROM silver.orders GROUP BY placed");
        write("conf/gold/loop.sql", "SELECT * FROM gold.loop");
        assertThatThrownBy(() -> load(VALID + "gold: {loop: {sql: ../gold/loop.sql, grain: [a]}}\n", Map.of()))
                .isInstanceOf(SpecException.class).hasMessageContaining("loop.sql")
                .hasMessageContaining("gold.loop.sql").hasMessageContaining("reads itself ('gold.loop')");
        assertThatThrownBy(() -> load(VALID + "gold: {daily: {sql: ../gold/daily.sql, grain: [dya]}}\n", Map.of()))
                .isInstanceOfSatisfying(SpecException.class, e -> {
                    assertThat(e.keyPath()).isEqualTo("gold.daily.grain");
                    assertThat(e.problem()).contains("'dya' is not a column the model's SQL selects (it selects: "
                            + "day, total)");
                });
        String daily = VALID + "gold: {daily: {sql: ../gold/daily.sql, grain: [day]}}\n";
        assertThatThrownBy(() -> load(daily + "maintenance: {gold.daily: {zorder_by: [totl]}}\n", Map.of()))
                .isInstanceOfSatisfying(SpecException.class, e -> {
                    assertThat(e.keyPath()).isEqualTo("maintenance.gold.daily");
                    assertThat(e.problem()).contains("'totl' is not a column of gold.daily (valid: day, total)");
                });
        assertThatThrownBy(() -> load(daily + "quality: {gold.daily: [{check: complete, column: totl}]}\n", Map.of()))
                .isInstanceOfSatisfying(SpecException.class, e -> assertThat(e.keyPath())
                        .isEqualTo("quality.gold.daily[0].column"));
        // A model that selects * has columns only its run can tell: nothing to check at load.
        write("conf/gold/all.sql", "SELECT * FROM silver.orders");
        assertThat(load(VALID + "gold: {all: {sql: ../gold/all.sql, grain: [id]}}\n"
                + "maintenance: {gold.all: {zorder_by: [placed]}}\n", Map.of()).gold()).containsKey("all");
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
        assertThat(spec.tables().get("lineitem").rules()).extracting(RuleSpec::name)
                .contains("quantity_range", "discount_range", "order_exists");
        assertThat(spec.tables().get("lineitem").maxQuarantineRate()).isEqualTo(0.01);
        assertThat(spec.tables().get("customer").column("c_phone").orElseThrow().pii()).isEqualTo(Pii.MASK);
        assertThat(spec.tables().get("customer").column("c_address").orElseThrow().pii()).isEqualTo(Pii.HASH);
        assertThat(spec.piiSalt()).isNotBlank();
        assertThat(spec.gold().keySet()).containsExactly("pricing_daily", "fact_sales", "revenue_by_nation_month",
                "nation_revenue_rank", "customer_lifetime_value");
        assertThat(spec.gold().get("nation_revenue_rank").goldInputs()).containsExactly("revenue_by_nation_month");
        assertThat(spec.gold().get("fact_sales").inputs())
                .extracting(TableRef::toString)
                .containsExactly("silver.lineitem", "silver.orders", "silver.customer", "silver.nation", "silver.region");
    }

    private static final String WITH_QUALITY = VALID + """
            quality:
              silver.orders:
                - {check: unique, column: id}
                - {check: range, column: amount, min: 0, max: 1000, min_fraction: 0.99, severity: warning}
                - {check: predicate, name: placed_recently, predicate: "placed >= DATE'2020-01-01'"}
                - {check: references, columns: [id], table: bronze.orders, to: [id]}
              bronze.orders:
                - {check: size, min: 1}
            """;

    @Test
    void qualityConstraintsBindPerTableWithDefaults() throws IOException {
        PipelineSpec spec = load(WITH_QUALITY, Map.of());
        assertThat(spec.quality()).containsOnlyKeys(TableRef.parse("silver.orders"), TableRef.parse("bronze.orders"));
        List<ConstraintSpec> orders = spec.quality().get(TableRef.parse("silver.orders"));
        assertThat(orders).extracting(ConstraintSpec::name)
                .containsExactly("unique(id)", "range(amount)", "placed_recently", "references(id)");
        ConstraintSpec unique = orders.get(0);
        assertThat(unique.severity()).isEqualTo(ConstraintSpec.Severity.ERROR);
        assertThat(unique.minFraction()).isEqualTo(1.0);
        ConstraintSpec range = orders.get(1);
        assertThat(range.severity()).isEqualTo(ConstraintSpec.Severity.WARNING);
        assertThat(range.min().getAsDouble()).isZero();
        assertThat(range.max().getAsDouble()).isEqualTo(1000.0);
        assertThat(range.minFraction()).isEqualTo(0.99);
        assertThat(orders.get(3).referencedTable()).contains(TableRef.parse("bronze.orders"));
        assertThat(spec.quality().get(TableRef.parse("bronze.orders")).get(0).min().getAsDouble()).isEqualTo(1.0);
    }

    static Stream<Arguments> invalidSpecs() {
        return Stream.of(
                Arguments.of("quality on an unknown table", WITH_QUALITY.replace("silver.orders:", "silver.order:"),
                        "quality.silver.order", "'silver.order' is not a table of this pipeline"),
                Arguments.of("unknown check kind", WITH_QUALITY.replace("check: unique", "check: distinct"),
                        "quality.silver.orders[0].check", "'distinct' is not one of: size, complete, unique"),
                Arguments.of("a setting the kind does not take", WITH_QUALITY.replace("{check: size, min: 1}",
                        "{check: size, min: 1, column: id}"), "quality.bronze.orders[0].column", "unknown key 'column'"),
                Arguments.of("a bound check without bounds", WITH_QUALITY.replace("{check: size, min: 1}",
                        "{check: size}"), "quality.bronze.orders[0]", "needs 'min', 'max' or both"),
                Arguments.of("range without max", WITH_QUALITY.replace("max: 1000, ", ""),
                        "quality.silver.orders[1].max", "a range check needs 'max'"),
                Arguments.of("two constraints with one name", WITH_QUALITY.replace("name: placed_recently",
                        "name: unique(id)"), "quality.silver.orders[2].name", "declared twice"),
                Arguments.of("references to an unknown table", WITH_QUALITY.replace("table: bronze.orders",
                        "table: gold.orders"), "quality.silver.orders[3].table", "'gold.orders' is not a table"),
                Arguments.of("unknown severity", WITH_QUALITY.replace("severity: warning", "severity: fatal"),
                        "quality.silver.orders[1].severity", "'fatal' is not one of: error, warning"),
                Arguments.of("unknown top-level key", VALID + "extras: 1\n", "extras", "unknown key 'extras'"),
                Arguments.of("VACUUM below Delta's safety minimum", VALID
                        + "maintenance: {silver.orders: {vacuum_retention: 24h}}\n",
                        "maintenance.silver.orders.vacuum_retention", "below Delta's safety minimum of 168 hours "
                                + "(deleted_file_retention)"),
                Arguments.of("VACUUM below a layer's minimum", VALID
                        + "maintenance: {bronze: {vacuum_retention: 2d, deleted_file_retention: 3d}}\n",
                        "maintenance.bronze.vacuum_retention", "set vacuum_below_safety_minimum: true"),
                Arguments.of("maintenance of an unknown table", VALID + "maintenance: {silver.order: {}}\n",
                        "maintenance.silver.order", "valid: bronze.orders, silver.orders"),
                Arguments.of("a size without a unit", VALID + "maintenance: {silver: {target_file_size: 128}}\n",
                        "maintenance.silver.target_file_size", "expected a size such as 64MB or 1GB"),
                Arguments.of("retention in hours", VALID
                        + "maintenance: {silver.orders: {retain: {column: placed, keep: 36h}}}\n",
                        "maintenance.silver.orders.retain.keep", "whole days"),
                Arguments.of("Z-order by an unknown column", VALID + "maintenance: {silver.orders: {zorder_by: [amt]}}\n",
                        "maintenance.silver.orders", "'amt' is not a column of silver.orders"),
                Arguments.of("Z-order and liquid clustering at once", VALID
                        + "maintenance: {silver.orders: {zorder_by: [placed], cluster_by: [id]}}\n",
                        "maintenance.silver.orders.cluster_by", "keep one of them"),
                Arguments.of("clustering by an unknown column", VALID
                        + "maintenance: {silver.orders: {cluster_by: [amt]}}\n",
                        "maintenance.silver.orders", "'amt' is not a column of silver.orders"),
                Arguments.of("unknown maintenance setting", VALID + "maintenance: {silver: {optimise: true}}\n",
                        "maintenance.silver.optimise", "unknown key 'optimise'"),
                Arguments.of("typo in a table key", VALID.replace("latest_by:", "latestby:"),
                        "tables.orders.latestby", "unknown key 'latestby'"),
                Arguments.of("missing storage", VALID.replaceAll("(?s)storage:.*?tables:", "tables:"),
                        "storage", "required key is missing"),
                Arguments.of("missing lake root", VALID.replace("  lake_root: ${LAKE:-lake}\n", ""),
                        "storage.lake_root", "required key is missing"),
                Arguments.of("unknown format", VALID.replace("format: delimited", "format: xml"),
                        "tables.orders.source.format", "'xml' is not one of: delimited, csv, jsonl, json, parquet, avro, orc"),
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
                Arguments.of("not YAML", "tables: [unclosed\n", "", "not valid YAML"),
                Arguments.of("rule without a kind", WITH_RULES.replace("check: predicate, ", ""),
                        "tables.orders.rules[3].check", "required key is missing"),
                Arguments.of("rule of an unknown kind", WITH_RULES.replace("check: predicate", "check: sql"),
                        "tables.orders.rules[3].check", "'sql' is not a check a row rule can make"),
                Arguments.of("rule with another kind's setting", WITH_RULES.replace("values: [a, b]",
                        "values: [a, b], regex: x"), "tables.orders.rules[1].regex", "unknown key 'regex'"),
                Arguments.of("old rule with two kinds", WITH_LEGACY_RULES.replace("allowed: [a, b]",
                        "allowed: [a, b], pattern: x"), "tables.orders.rules[1].pattern", "unknown key 'pattern'"),
                Arguments.of("rule on an unknown column", WITH_RULES.replace("column: amount,", "column: amt,"),
                        "tables.orders.rules[0].column", "column 'amt' is not in the table's schema"),
                Arguments.of("range bound of the wrong type", WITH_RULES.replace("max: 1000.5", "max: lots"),
                        "tables.orders.rules[0].max", "not a value of amount (decimal(12,2)): not a number: 'lots'"),
                Arguments.of("range the wrong way round", WITH_RULES.replace("min: 0,", "min: 2000,"),
                        "tables.orders.rules[0]", "min 2000 is greater than max 1000.5"),
                Arguments.of("range on a string", WITH_RULES.replace("column: amount,", "column: note,"),
                        "tables.orders.rules[0]", "a range needs a number or date column"),
                Arguments.of("bad regex", WITH_RULES.replace("'^[a-z]+$'", "'^[a-z+$'"),
                        "tables.orders.rules[2].regex", "not a valid regular expression"),
                Arguments.of("bad SQL", WITH_RULES.replace("placed >= DATE'2020-01-01'", "placed >=> 3"),
                        "tables.orders.rules[3].predicate", "not a valid SQL expression"),
                Arguments.of("unknown action", WITH_RULES.replace("action: warn", "action: ignore"),
                        "tables.orders.rules[1].action", "'ignore' is not one of: quarantine, drop, warn, fail"),
                Arguments.of("duplicate rule name", WITH_RULES.replace("name: note_shape", "name: note_domain"),
                        "tables.orders.rules[2].name", "rule 'note_domain' is declared twice"),
                Arguments.of("reference to an unknown table", WITH_RULES.replace("table: silver.orders,",
                        "table: silver.order,"), "tables.orders.rules[4].table", "table 'order' is not in this pipeline"),
                Arguments.of("reference to a gold table", WITH_RULES.replace("table: silver.orders,",
                        "table: gold.orders,"), "tables.orders.rules[4].table", "a row rule references a silver table"),
                Arguments.of("reference to an unknown column", WITH_RULES.replace("to: id}", "to: oid}"),
                        "tables.orders.rules[4].to", "column 'oid' is not in table orders"),
                Arguments.of("quarantine rate above 1", WITH_RULES.replace("max_rate: 0.01", "max_rate: 5"),
                        "tables.orders.quarantine.max_rate", "expected a fraction from 0 to 1"),
                Arguments.of("an unknown gate action", WITH_RULES.replace("on_gate: commit", "on_gate: wait"),
                        "tables.orders.quarantine.on_gate", "hold, commit"),
                Arguments.of("standardize a number", VALID.replace("type: bigint, required: true}",
                        "type: bigint, required: true, standardize: upper}"),
                        "tables.orders.schema[0].standardize", "only string columns can be standardized"),
                Arguments.of("mask a date", VALID.replace("name: placed, type: date}", "name: placed, type: date, pii: mask}"),
                        "tables.orders.schema[2].pii", "only string columns can be masked"),
                Arguments.of("a csv option on a delimited source", VALID.replace("path: orders}",
                        "path: orders, options: {header: false}}"), "tables.orders.source.options.header",
                        "unknown key 'header'; valid keys here: delimiter, trailing_delimiter"),
                Arguments.of("a two-character CSV delimiter", VALID.replace("{format: delimited, path: orders}",
                        "{format: csv, path: orders, options: {delimiter: '||'}}"),
                        "tables.orders.source.options.delimiter", "a CSV delimiter is one character"),
                Arguments.of("an encoding that is not ASCII-compatible", VALID.replace("{format: delimited, path: orders}",
                        "{format: csv, path: orders, options: {encoding: UTF-16}}"),
                        "tables.orders.source.options.encoding", "'UTF-16' is not ASCII-compatible"),
                Arguments.of("an unknown encoding", VALID.replace("{format: delimited, path: orders}",
                        "{format: csv, path: orders, options: {encoding: klingon}}"),
                        "tables.orders.source.options.encoding", "unknown character set 'klingon'"),
                Arguments.of("a folder key that is not a name", VALID.replace("path: orders}",
                        "path: orders, layout: hive, partition_key: Day-Of}"), "tables.orders.source.partition_key",
                        "'Day-Of' is not a folder key"),
                Arguments.of("a format on a number", VALID.replace("type: \"decimal(12,2)\"}",
                        "type: \"decimal(12,2)\", format: '#.##'}"), "tables.orders.schema[1].format",
                        "only date and timestamp columns take a format"),
                Arguments.of("a pattern java.time rejects", VALID.replace("type: date}", "type: date, format: 'yyyy-MM-dd{'}"),
                        "tables.orders.schema[2].format", "is not a java.time pattern"),
                Arguments.of("a timezone on a date", VALID.replace("type: date}", "type: date, timezone: UTC}"),
                        "tables.orders.schema[2].timezone", "only timestamp columns take a timezone"),
                Arguments.of("an unknown time zone", VALID.replace("type: date}", "type: timestamp, timezone: Mars/Base}"),
                        "tables.orders.schema[2].timezone", "unknown time zone 'Mars/Base'"),
                Arguments.of("an unquoted yes in true_values", VALID.replace("type: date}",
                        "type: boolean, true_values: [yes]}"), "tables.orders.schema[2].true_values[0]",
                        "quote it, as in ['yes', 'no']"),
                Arguments.of("a word both true and false", VALID.replace("type: date}",
                        "type: boolean, true_values: ['Y'], false_values: ['y']}"), "tables.orders.schema[2].true_values",
                        "both true and false: [y]"),
                Arguments.of("true_values on a string", VALID.replace("type: date}", "type: string, true_values: ['Y']}"),
                        "tables.orders.schema[2].true_values", "only boolean columns take true_values"),
                Arguments.of("a statement hidden in a table name", VALID.replace(JDBC_FROM,
                        JDBC.replace("table: shop.orders", "table: \"x; drop table y\"")),
                        "tables.orders.source.table", "'x; drop table y' is not a table name"),
                Arguments.of("two statements in a query", VALID.replace(JDBC_FROM, JDBC.replace("table: shop.orders",
                        "query: \"SELECT * FROM t; DELETE FROM t\"")), "tables.orders.source.query", "without ';'"),
                Arguments.of("an incremental extract without watermark", VALID.replace(JDBC_FROM,
                        JDBC.replace(", watermark: [placed, id]", "")), "tables.orders.source.watermark",
                        "needs a watermark"),
                Arguments.of("a watermark column not in the schema", VALID.replace(JDBC_FROM,
                        JDBC.replace("[placed, id]", "[updated, id]")), "tables.orders.source.watermark",
                        "column 'updated' is not in the table's schema"),
                Arguments.of("a file key on a database", VALID.replace(JDBC_FROM, JDBC.replace("id]}", "id], path: x}")),
                        "tables.orders.source.path", "'path' is for landing files, not format jdbc"),
                Arguments.of("a database key on files", VALID.replace("path: orders}", "path: orders, lag: 5m}"),
                        "tables.orders.source.lag", "'lag' is for format jdbc, not format delimited"),
                Arguments.of("a database without url", VALID.replace(JDBC_FROM,
                        JDBC.replace("url: \"jdbc:postgresql://db:5432/shop\", ", "")), "tables.orders.source.url",
                        "required key is missing"),
                Arguments.of("reconcile on landing files", VALID.replace("latest_by: [_batch_date, _source_line]\n",
                        "reconcile: {max_discrepancy: 0.01}\n"), "tables.orders.reconcile",
                        "compares a database source with the lake; this table's source is delimited files"),
                Arguments.of("a tolerance that is not a fraction", VALID.replace(JDBC_FROM, JDBC)
                        .replace("latest_by: [_batch_date, _source_line]\n", "reconcile: {max_discrepancy: 5}\n"),
                        "tables.orders.reconcile.max_discrepancy", "a fraction from 0 to 1"),
                Arguments.of("an unknown reconcile key", VALID.replace(JDBC_FROM, JDBC)
                        .replace("latest_by: [_batch_date, _source_line]\n", "reconcile: {tolerance: 0.1}\n"),
                        "tables.orders.reconcile.tolerance", "unknown key"),
                Arguments.of("a duplicate table", VALID + """
                          orders:
                            source: {format: delimited, path: orders_v2}
                            schema: [{name: id, type: bigint}]
                            key: [id]
                        """, "tables.orders", "'orders' is declared twice (again at line 14)"),
                Arguments.of("a duplicate column setting", VALID.replace("type: date}", "type: date, type: string}"),
                        "tables.orders.schema[2].type", "'type' is declared twice"),
                Arguments.of("cyclic references", VALID.replace("latest_by: [_batch_date, _source_line]\n", """
                        rules: [{name: has_item, check: references, column: id, table: items, to: order_id}]
                          items:
                            source: {format: delimited, path: items}
                            schema: [{name: order_id, type: bigint}]
                            key: [order_id]
                            rules: [{name: has_order, check: references, column: order_id, table: orders, to: id}]
                        """), "tables.orders.rules[0].table",
                        "reference rules form a cycle: orders -> items -> orders"),
                Arguments.of("a negative quarantine rate", WITH_RULES.replace("max_rate: 0.01", "max_rate: -0.1"),
                        "tables.orders.quarantine.max_rate", "expected a fraction from 0 to 1 (0.01 = 1 %), got '-0.1'"),
                Arguments.of("a partition column not in the schema", VALID.replace("key: [id]",
                        "key: [id]\n    partition_by: [placed_day]"), "tables.orders.partition_by[0]",
                        "column 'placed_day' is not in the table's schema"),
                Arguments.of("a misspelt column in a rule's SQL", WITH_RULES.replace("placed >= DATE", "placd >= DATE"),
                        "tables.orders.rules[3].predicate", "names column 'placd', which is not in the table's schema"),
                Arguments.of("a misspelt column in a quality constraint", WITH_QUALITY.replace("column: id}",
                        "column: idd}"), "quality.silver.orders[0].column", "column 'idd' is not in the table"),
                Arguments.of("a misspelt column in a constraint's SQL", WITH_QUALITY.replace("predicate: \"placed",
                        "predicate: \"placd"), "quality.silver.orders[2].predicate", "names column 'placd'"),
                Arguments.of("a misspelt column in a constraint's filter", WITH_QUALITY.replace("{check: size, min: 1}",
                        "{check: size, min: 1, where: \"amout > 0\"}"), "quality.bronze.orders[0].where",
                        "names column 'amout'"),
                Arguments.of("a misspelt referenced column", WITH_QUALITY.replace("to: [id]", "to: [idd]"),
                        "quality.silver.orders[3].to", "column 'idd' is not in bronze.orders"),
                Arguments.of("a table without a key", VALID.replace("    key: [id]\n", ""), "tables.orders.key",
                        "required key is missing (the business key; silver keeps one row per key)"),
                Arguments.of("an empty key", VALID.replace("key: [id]", "key: []"), "tables.orders.key",
                        "declare at least one column: silver merges each batch into the table by key"),
                Arguments.of("a column name the database cannot be asked for", VALID.replace(JDBC_FROM, JDBC)
                        .replace("{name: amount, type", "{name: amount, from: \"amount--\", type"),
                        "tables.orders.schema[1].from", "not a database column name"));
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
    void maintenanceLayersTheDefaultsTheLayerAndTheTable() throws IOException {
        PipelineSpec spec = load(VALID + """
                maintenance:
                  archive_root: /cold/archive
                  silver: {target_file_size: 256MB, small_file_threshold: 6}
                  silver.orders:
                    zorder_by: [placed]
                    retain: {column: placed, keep: 90d}
                    vacuum_retention: 0h
                    vacuum_below_safety_minimum: true
                """, Map.of());
        MaintenanceSpec orders = spec.maintenance(TableRef.parse("silver.orders"));
        assertThat(orders.targetFileSize()).isEqualTo(256L * 1024 * 1024);
        assertThat(orders.smallFileThreshold()).isEqualTo(6);
        assertThat(orders.zorderBy()).containsExactly("placed");
        assertThat(orders.clusterBy()).isEmpty();
        assertThat(orders.retain()).contains(new RetentionSpec("placed", 90));
        assertThat(orders.archiveRoot()).isEqualTo("/cold/archive");
        assertThat(orders.vacuumRetentionHours()).isZero();
        MaintenanceSpec bronze = spec.maintenance(TableRef.parse("bronze.orders"));
        assertThat(bronze.targetFileSize()).isEqualTo(128L * 1024 * 1024);
        assertThat(bronze.smallFileThreshold()).isEqualTo(8);
        assertThat(bronze.vacuumRetentionHours()).isEqualTo(168);
        assertThat(bronze.tableProperties()).containsEntry("delta.deletedFileRetentionDuration", "interval 168 hours")
                .containsEntry("delta.logRetentionDuration", "interval 720 hours")
                .containsEntry("delta.checkpointInterval", "10")
                .as("bronze keeps statistics on the columns its readers filter on, not on its text")
                .containsEntry("delta.dataSkippingStatsColumns",
                        "_ingest_run_id,_ingested_at,_source_file,_source_line,_parse_error");
        assertThat(orders.tableProperties()).as("Delta's default: no list")
                .doesNotContainKey("delta.dataSkippingStatsColumns");
        MaintenanceSpec zordered = load(VALID + """
                maintenance:
                  silver.orders: {zorder_by: [placed], stats_columns: [id]}
                """, Map.of()).maintenance(TableRef.parse("silver.orders"));
        assertThat(zordered.tableProperties()).as("Z-order needs statistics on its columns")
                .containsEntry("delta.dataSkippingStatsColumns", "id,placed");
        assertThat(spec.maintenanceDeclared()).isTrue();
        assertThat(load(VALID, Map.of()).maintenanceDeclared()).isFalse();
    }

    @Test
    void operationsSectionsBindWithDefaultsAndRefuseBadValues() throws IOException {
        PipelineSpec plain = load(VALID, Map.of());
        assertThat(plain.operations().reportsRoot()).isEqualTo(plain.storage().lakeRoot() + "/ops/reports");
        assertThat(plain.operations().metricsDirectory()).isEmpty();
        assertThat(plain.operations().alerts().enabled()).isFalse();

        PipelineSpec spec = load(VALID + """
                reports: {path: out/reports}
                metrics: {path: textfile}
                alerts: {webhook: "${HOOK}", on: [failure, freshness], attempts: 5}
                """, Map.of("HOOK", "https://hooks.example/T0/secret"));
        assertThat(spec.operations().reportsRoot()).isEqualTo(dir.resolve("out/reports").toUri().toString()
                .replaceFirst("/$", ""));
        assertThat(spec.operations().metricsDirectory()).contains(dir.resolve("textfile").toString());
        OperationsSpec.Alerts alerts = spec.operations().alerts();
        assertThat(alerts.webhook()).isEqualTo("https://hooks.example/T0/secret");
        assertThat(alerts.on()).containsExactlyInAnyOrder(OperationsSpec.AlertOn.FAILURE,
                OperationsSpec.AlertOn.FRESHNESS);
        assertThat(alerts.attempts()).isEqualTo(5);
        assertThat(alerts.backoff()).isEqualTo(java.time.Duration.ofSeconds(1));
        assertThat(load(VALID + "alerts: {webhook: \"https://h/x\"}\n", Map.of()).operations().alerts().on())
                .hasSize(3);

        assertThatThrownBy(() -> load(VALID + "alerts: {webhook: \"ftp://h/secret-token\"}\n", Map.of()))
                .isInstanceOf(SpecException.class).hasMessageContaining("alerts.webhook")
                .hasMessageContaining("http:// or https://").hasMessageNotContaining("secret-token");
        assertThatThrownBy(() -> load(VALID + "alerts: {webhook: \"https://h/x\", on: [outage]}\n", Map.of()))
                .isInstanceOf(SpecException.class).hasMessageContaining("alerts.on")
                .hasMessageContaining("'outage' is not one of failure, quality, freshness");
        assertThatThrownBy(() -> load(VALID + "metrics: {path: \"s3a://b/metrics\"}\n", Map.of()))
                .isInstanceOf(SpecException.class).hasMessageContaining("metrics.path")
                .hasMessageContaining("local folder");
    }

    @Test
    void aLineageSectionBecomesTheSessionsOpenLineageSettingsUnderTheSpecsOwn() throws IOException {
        assertThat(load(VALID, Map.of()).operations().lineage()).isEmpty();
        assertThat(load(VALID, Map.of()).spark().conf()).doesNotContainKey("spark.extraListeners");

        PipelineSpec file = load(VALID + """
                spark: {conf: {spark.extraListeners: com.example.Audit, spark.openlineage.namespace: mine}}
                lineage: {transport: file, location: out/lineage.jsonl, namespace: retail}
                """, Map.of());
        LineageSpec lineage = file.operations().lineage().orElseThrow();
        assertThat(lineage.transport()).isEqualTo(LineageSpec.Transport.FILE);
        assertThat(lineage.location()).isEqualTo(dir.resolve("out/lineage.jsonl").toString());
        assertThat(file.spark().conf())
                .containsEntry("spark.extraListeners", "io.openlineage.spark.agent.OpenLineageSparkListener,com.example.Audit")
                .as("the spec's own setting wins").containsEntry("spark.openlineage.namespace", "mine")
                .containsEntry("spark.openlineage.transport.type", "transform")
                .containsEntry("spark.openlineage.transport.transformClass", "io.medallion.lineage.MedallionParent")
                .containsEntry("spark.openlineage.transport.transport.type", "file")
                .containsEntry("spark.openlineage.transport.transport.location", dir.resolve("out/lineage.jsonl").toString());
        PipelineSpec http = load(VALID + "lineage: {transport: http, url: \"http://marquez:5000\"}\n", Map.of());
        assertThat(http.operations().lineage().orElseThrow().namespace()).isEqualTo("medallion");
        assertThat(http.spark().conf()).containsEntry("spark.openlineage.transport.transport.url", "http://marquez:5000")
                .containsEntry("spark.extraListeners", "io.openlineage.spark.agent.OpenLineageSparkListener");

        assertThatThrownBy(() -> load(VALID + "lineage: {transport: file}\n", Map.of()))
                .isInstanceOf(SpecException.class).hasMessageContaining("lineage.location")
                .hasMessageContaining("transport: file needs the file");
        assertThatThrownBy(() -> load(VALID + "lineage: {transport: http, url: marquez:5000}\n", Map.of()))
                .isInstanceOf(SpecException.class).hasMessageContaining("lineage.url")
                .hasMessageContaining("got 'marquez:5000'");
        assertThatThrownBy(() -> load(VALID + "lineage: {transport: kafka}\n", Map.of()))
                .isInstanceOf(SpecException.class).hasMessageContaining("lineage.transport");
        assertThatThrownBy(() -> load(VALID + "lineage: {transport: console, endpoint: x}\n", Map.of()))
                .isInstanceOf(SpecException.class).hasMessageContaining("endpoint");
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

    /** A spec kept anywhere finds the installation's default overlay, unless its own folder has one. */
    @Test
    void defaultOverlayIsFoundForASpecOutsideConfPipelines() throws IOException {
        write("home/conf/env/local.yaml", "spark: {profile: local, conf: {from: home}}\n");
        Map<String, String> env = Map.of("MEDALLION_HOME", dir.resolve("home").toString());
        Path elsewhere = write("work/specs/shop.yaml", VALID);
        PipelineSpecLoader loader = new PipelineSpecLoader(env, dir.resolve("work"));
        assertThat(loader.load(elsewhere, "local").spark().conf()).containsEntry("from", "home");

        write("work/specs/env/local.yaml", "spark: {profile: local, conf: {from: beside}}\n");
        assertThat(loader.load(elsewhere, "local").spark().conf()).containsEntry("from", "beside");

        assertThatThrownBy(() -> new PipelineSpecLoader(Map.of(), dir.resolve("work")).load(
                write("other/shop.yaml", VALID), "local"))
                .isInstanceOf(SpecException.class).hasMessageContaining("env overlay 'local' not found; looked for")
                .hasMessageContaining("conf/env/local.yaml");
    }
}
