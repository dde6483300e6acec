package io.medallion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medallion.lake.BronzeColumns;
import io.medallion.lake.Layer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The key catalog: complete help, every default pinned, and the README's reference equal to it. */
class SpecKeysTest {
    /** Every key's default as the reference shows it; a new key must be added here. */
    private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

    static {
        String table = "tables.<table>.";
        String rule = table + "rules[].";
        String constraint = "quality.<layer.table>[].";
        String maintained = "maintenance.<layer or layer.table>.";
        for (String k : new String[] {"pipeline", "description", "spark", "privacy", "gold", "quality", "maintenance",
            "spark.conf", "privacy.pii_salt", table + "description", table + "latest_by",
            table + "partition_by", table + "cdc", table + "rules", table + "quarantine", table + "reconcile",
            table + "source.options",
            table + "schema[].description", table + "schema[].from", table + "schema[].format",
            table + "schema[].timezone", table + "schema[].true_values", table + "schema[].false_values",
            table + "source.options.null_value", table + "source.options.comment", table + "source.path",
            table + "source.url", table + "source.user", table + "source.password", table + "source.table",
            table + "source.query", table + "source.watermark", table + "source.partition_column", rule + "description", rule + "column", rule + "min", rule + "max",
            rule + "values", rule + "regex", rule + "predicate", rule + "table", rule + "to", rule + "retry", rule + "range",
            rule + "allowed", rule + "pattern", rule + "references", constraint + "name", constraint + "description",
            constraint + "column", constraint + "min", constraint + "max", constraint + "values", constraint + "regex",
            constraint + "predicate", constraint + "table", constraint + "to", constraint + "columns",
            constraint + "value", constraint + "where", constraint + "metric", constraint + "max_decrease",
            constraint + "max_increase", "gold.<model>.description", "gold.<model>.partition_by",
            "maintenance.archive_root", maintained + "zorder_by", maintained + "cluster_by",
            maintained + "stats_columns", maintained + "retain", "reports", "reports.path", "metrics", "alerts",
            table + "freshness", table + "freshness.warn_after", table + "freshness.error_after", "lineage",
            "lineage.location", "lineage.url"}) {
            DEFAULTS.put(k, "none");
        }
        DEFAULTS.put("metrics.path", "required");
        DEFAULTS.put("alerts.webhook", "required");
        DEFAULTS.put("alerts.on", "[failure, quality, freshness]");
        DEFAULTS.put("alerts.attempts", "3");
        DEFAULTS.put("alerts.retry_backoff", "1s");
        DEFAULTS.put(table + "freshness.loaded_at", "ingest");
        DEFAULTS.put("lineage.transport", "console");
        DEFAULTS.put("lineage.namespace", "medallion");
        for (String k : new String[] {"storage", "tables", "storage.lake_root", "storage.landing_root",
            table + "source", table + "schema", table + "key", table + "source.format",
            table + "schema[].name", table + "schema[].type", rule + "check", rule + "name", constraint + "check",
            "gold.<model>.sql", "gold.<model>.grain", maintained + "retain.column", maintained + "retain.keep"}) {
            DEFAULTS.put(k, "required");
        }
        DEFAULTS.put("spark.profile", "local");
        DEFAULTS.put(table + "source.glob", "*");
        DEFAULTS.put(table + "source.options.delimiter", "|");
        DEFAULTS.put(table + "source.options.trailing_delimiter", "true");
        DEFAULTS.put(table + "source.layout", "date_folders");
        DEFAULTS.put(table + "source.partition_key", "batch_date");
        DEFAULTS.put(table + "source.options.header", "true");
        DEFAULTS.put(table + "source.mode", "incremental");
        DEFAULTS.put(table + "source.lag", "5m");
        DEFAULTS.put(table + "source.partitions", "1");
        DEFAULTS.put(table + "source.fetch_size", "10000");
        DEFAULTS.put(table + "source.connect_attempts", "3");
        DEFAULTS.put(table + "source.retry_backoff", "2s");
        DEFAULTS.put(table + "reconcile.max_discrepancy", "0");
        DEFAULTS.put(table + "reconcile.sample_keys", "10");
        DEFAULTS.put(table + "source.options.quote", "\"");
        DEFAULTS.put(table + "source.options.escape", "\"");
        DEFAULTS.put(table + "source.options.encoding", "UTF-8");
        DEFAULTS.put(table + "schema[].required", "false");
        DEFAULTS.put(table + "schema[].standardize", "none");
        DEFAULTS.put(table + "schema[].pii", "none");
        DEFAULTS.put(table + "cdc.op", "op");
        DEFAULTS.put(table + "cdc.sequence", "seq");
        DEFAULTS.put(table + "cdc.before", "before");
        DEFAULTS.put(table + "cdc.after", "after");
        DEFAULTS.put(table + "quarantine.max_rate", "0.05");
        DEFAULTS.put(table + "quarantine.on_gate", "hold");
        DEFAULTS.put(rule + "action", "quarantine");
        DEFAULTS.put(constraint + "min_fraction", "1");
        DEFAULTS.put(constraint + "severity", "error");
        DEFAULTS.put("gold.<model>.refresh", "incremental");
        DEFAULTS.put(maintained + "target_file_size", "128MB; gold: 64MB");
        DEFAULTS.put(maintained + "small_file_threshold", "4; bronze: 8");
        DEFAULTS.put(maintained + "vacuum_retention", "7d");
        DEFAULTS.put(maintained + "vacuum_below_safety_minimum", "false");
        DEFAULTS.put(maintained + "deleted_file_retention", "7d");
        DEFAULTS.put(maintained + "log_retention", "30d");
        DEFAULTS.put(maintained + "checkpoint_interval", "10");
        DEFAULTS.put(maintained + "stats_columns",
                "none; bronze: [_ingest_run_id, _ingested_at, _source_file, _source_line, _parse_error]");
    }

    @Test
    void everyKeyHasHelpATypeAndAPinnedDefault() {
        Map<String, String> actual = new LinkedHashMap<>();
        for (SpecKey<?> k : SpecKeys.all()) {
            assertThat(k.help()).as(k.path()).isNotBlank();
            assertThat(k.type()).as(k.path()).isNotBlank();
            actual.put(k.path(), k.defaultShown());
        }
        assertThat(actual).isEqualTo(DEFAULTS);
    }

    @Test
    void defaultsAreTheValuesTheBindersUse() {
        long mb = 1024L * 1024;
        assertThat(SpecKeys.TARGET_FILE_SIZE.defaultIn(Layer.SILVER)).isEqualTo(128 * mb);
        assertThat(SpecKeys.TARGET_FILE_SIZE.defaultIn(Layer.GOLD)).isEqualTo(64 * mb);
        assertThat(SpecKeys.SMALL_FILE_THRESHOLD.defaultIn(Layer.BRONZE)).isEqualTo(8);
        assertThat(SpecKeys.SMALL_FILE_THRESHOLD.defaultIn(Layer.GOLD)).isEqualTo(4);
        assertThat(SpecKeys.VACUUM_RETENTION.defaultValue()).isEqualTo(168L);
        assertThat(SpecKeys.LOG_RETENTION.defaultValue()).isEqualTo(720L);
        assertThat(SpecKeys.MAX_RATE.defaultValue()).isEqualTo(0.05);
        assertThat(SpecKeys.MIN_FRACTION.defaultValue()).isEqualTo(1.0);
        assertThat(SpecKeys.PROFILE.defaultValue()).isEqualTo(SparkProfile.LOCAL);
        assertThat(SpecKeys.TRAILING_DELIMITER.defaultValue()).isTrue();
        assertThat(SpecKeys.STATS_COLUMNS.defaultIn(Layer.BRONZE)).isEqualTo(BronzeColumns.STATS);
        assertThat(SpecKeys.STATS_COLUMNS.defaultIn(Layer.SILVER)).isEmpty();
    }

    @Test
    void theReadmeReferenceIsTheCatalog() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        String begin = "<!-- spec-keys:begin -->\n";
        String end = "<!-- spec-keys:end -->";
        assertThat(readme).contains(begin).contains(end);
        String documented = readme.substring(readme.indexOf(begin) + begin.length(), readme.indexOf(end));
        assertThat(documented)
                .as("README.md's key reference; regenerate it with deploy/bin/medallion config --keys --markdown")
                .isEqualTo(SpecKeys.markdown());
    }

    @Test
    void aSectionAcceptsExactlyItsCataloguedKeys() {
        assertThat(SpecKeys.in(SpecKeys.SOURCE)).containsExactly("format", "path", "glob", "layout", "partition_key",
                "options", "url", "user", "password", "table", "query", "mode", "watermark", "lag", "partition_column",
                "partitions", "fetch_size", "connect_attempts", "retry_backoff");
        assertThat(SpecKeys.in(SpecKeys.ROOT)).contains("storage", "tables", "maintenance");
        assertThat(SpecKeys.in(SpecKeys.RECONCILE)).containsExactly("max_discrepancy", "sample_keys");
        assertThatThrownBy(() -> SpecKeys.key(SpecKeys.CONSTRAINT, "min_frac"))
                .isInstanceOf(IllegalStateException.class);
    }
}
