package io.medallion.config;

import io.medallion.lake.BronzeColumns;
import io.medallion.lake.Layer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The catalog of every key a pipeline spec may hold: path, type, default and help, declared once.
 * The binders read values through these keys and accept only the keys a section declares here;
 * {@code medallion config --keys} prints the reference from this list, and the README's spec
 * reference must equal it ({@code SpecKeysTest}).
 */
public final class SpecKeys {
    private static final List<SpecKey<?>> ALL = new ArrayList<>();

    static final String ROOT = "";
    static final String STORAGE = "storage";
    static final String SPARK = "spark";
    static final String PRIVACY = "privacy";
    static final String TABLE = "tables.<table>";
    static final String SOURCE = TABLE + ".source";
    static final String SOURCE_OPTIONS = SOURCE + ".options";
    static final String COLUMN = TABLE + ".schema[]";
    static final String CDC = TABLE + ".cdc";
    static final String QUARANTINE = TABLE + ".quarantine";
    static final String RECONCILE = TABLE + ".reconcile";
    static final String FRESHNESS = TABLE + ".freshness";
    static final String RULE = TABLE + ".rules[]";
    static final String MODEL = "gold.<model>";
    static final String CONSTRAINT = "quality.<layer.table>[]";
    static final String MAINTENANCE = "maintenance";
    static final String MAINTAINED = "maintenance.<layer or layer.table>";
    static final String RETAIN = MAINTAINED + ".retain";
    static final String REPORTS = "reports";
    static final String METRICS = "metrics";
    static final String ALERTS = "alerts";
    static final String LINEAGE = "lineage";

    // ---- top level ----------------------------------------------------------------------------
    static final SpecKey<String> PIPELINE = add(SpecKey.optional(ROOT, "pipeline", "name",
            "the pipeline's name in logs and the ledger (default: the file's name)", SpecNode::asText, null));
    static final SpecKey<String> DESCRIPTION = add(text(ROOT, "description", "", "what the pipeline is for"));
    static final SpecKey<SpecNode> STORAGE_SECTION = add(section(ROOT, "storage", true, "where the lake and the landing files are"));
    static final SpecKey<SpecNode> SPARK_SECTION = add(section(ROOT, "spark", false, "the Spark session: profile and settings"));
    static final SpecKey<SpecNode> PRIVACY_SECTION = add(section(ROOT, "privacy", false, "how personal data is protected"));
    static final SpecKey<SpecNode> TABLES = add(section(ROOT, "tables", true, "the tables, by name: source, schema, key, rules"));
    static final SpecKey<SpecNode> GOLD = add(section(ROOT, "gold", false, "the gold models, by name: SQL over silver tables"));
    static final SpecKey<SpecNode> QUALITY = add(section(ROOT, "quality", false,
            "data-quality constraints per layer.table, checked by `quality` and the pipeline's gates"));
    static final SpecKey<SpecNode> MAINTENANCE_SECTION = add(section(ROOT, "maintenance", false,
            "how `maintain` keeps tables healthy, per layer and per layer.table; the pipeline runs maintain when present"));
    static final SpecKey<SpecNode> REPORTS_SECTION = add(section(ROOT, "reports", false,
            "where each pipeline run's HTML report and the index of runs are written"));
    static final SpecKey<SpecNode> METRICS_SECTION = add(section(ROOT, "metrics", false,
            "a Prometheus textfile each pipeline run writes, for node_exporter's textfile collector"));
    static final SpecKey<SpecNode> ALERTS_SECTION = add(section(ROOT, "alerts", false,
            "a webhook told about failures, failed quality gates and stale tables"));
    static final SpecKey<SpecNode> LINEAGE_SECTION = add(section(ROOT, "lineage", false,
            "OpenLineage events for every job: its Delta inputs and outputs, and medallion's run with its row accounting"));

    // ---- reports, metrics, alerts -------------------------------------------------------------
    static final SpecKey<String> REPORTS_PATH = add(SpecKey.optional(REPORTS, "path", "path or URI",
            "the reports' folder (default: <lake_root>/ops/reports): runs/<run id>.html and index.html",
            SpecNode::asText, null));
    static final SpecKey<String> METRICS_PATH = add(SpecKey.of(METRICS, "path", "local folder", null,
            "the folder node_exporter's --collector.textfile.directory reads; the file is medallion_<pipeline>.prom",
            SpecNode::asText));
    static final SpecKey<String> WEBHOOK = add(SpecKey.of(ALERTS, "webhook", "secret URL", null,
            "where alerts are POSTed as JSON: from the environment (${ALERT_WEBHOOK_URL}); masked, never logged",
            SpecNode::asText));
    static final SpecKey<List<String>> ALERT_ON = add(SpecKey.of(ALERTS, "on", "list",
            "[" + String.join(", ", OperationsSpec.Alerts.names()) + "]",
            "what is alerted on: failure (exit 1), quality (exit 3), freshness (past error_after)", Values::strings));
    static final SpecKey<Integer> ALERT_ATTEMPTS = add(SpecKey.of(ALERTS, "attempts", "count", "3",
            "tries per alert; an alert that cannot be sent is logged and never changes the exit code",
            Values::positive));
    static final SpecKey<java.time.Duration> ALERT_BACKOFF = add(SpecKey.of(ALERTS, "retry_backoff", "duration", "1s",
            "the wait before the second try, doubled for each later one", Values::duration));

    static final SpecKey<LineageSpec.Transport> LINEAGE_TRANSPORT = add(enumKey(LINEAGE, "transport",
            LineageSpec.Transport.class, "console", "console: the driver's log; file: a JSON event per line; http: an "
                    + "OpenLineage endpoint (Marquez, DataHub ...)"));
    static final SpecKey<String> LINEAGE_LOCATION = add(SpecKey.optional(LINEAGE, "location", "local path",
            "the file events are appended to (file)", SpecNode::asText, null));
    static final SpecKey<String> LINEAGE_URL = add(SpecKey.optional(LINEAGE, "url", "URL",
            "the endpoint's base URL (http); events are POSTed to <url>/api/v1/lineage", SpecNode::asText, null));
    static final SpecKey<String> LINEAGE_NAMESPACE = add(SpecKey.of(LINEAGE, "namespace", "name", "medallion",
            "the namespace of the jobs in the events", SpecNode::asText));

    // ---- storage, spark, privacy --------------------------------------------------------------
    static final SpecKey<String> LAKE_ROOT = add(SpecKey.of(STORAGE, "lake_root", "path or URI", null,
            "the lake: <lake_root>/<layer>/<table>; relative paths are resolved against the working directory",
            SpecNode::asText));
    static final SpecKey<String> LANDING_ROOT = add(SpecKey.of(STORAGE, "landing_root", "path or URI", null,
            "where landing files arrive: <landing_root>/<source path>/<yyyy-MM-dd>/", SpecNode::asText));
    static final SpecKey<SparkProfile> PROFILE = add(enumKey(SPARK, "profile", SparkProfile.class, "local",
            "local: Spark sized to this machine; cluster: the cluster's settings"));
    static final SpecKey<Map<String, String>> SPARK_CONF = add(SpecKey.optional(SPARK, "conf", "mapping",
            "Spark settings over the profile's (--conf wins over them)", SpecNode::asStringMap, Map.of()));
    static final SpecKey<String> PII_SALT = add(SpecKey.of(PRIVACY, "pii_salt", "secret", "",
            "the salt of pii: hash columns; from the environment, never in a file", SpecNode::asTextOrEmpty));

    // ---- tables -------------------------------------------------------------------------------
    static final SpecKey<String> TABLE_DESCRIPTION = add(text(TABLE, "description", "", "what the table holds"));
    static final SpecKey<SpecNode> SOURCE_SECTION = add(section(TABLE, "source", true, "where the table's raw data lands and how to read it"));
    static final SpecKey<SpecNode> SCHEMA = add(list(TABLE, "schema", true, "the columns, in order: {name, type, ...} each"));
    static final SpecKey<List<String>> KEY = add(SpecKey.of(TABLE, "key", "columns", null,
            "the business key; silver keeps one row per key", Values::strings));
    static final SpecKey<List<String>> LATEST_BY = add(columns(TABLE, "latest_by",
            "columns (or bronze metadata such as _batch_date) whose largest value is a key's latest row"));
    static final SpecKey<List<String>> PARTITION_BY = add(columns(TABLE, "partition_by", "silver's partition columns"));
    static final SpecKey<SpecNode> CDC_SECTION = add(section(TABLE, "cdc", false,
            "the source is a change feed: events with an operation, a sequence and before/after images"));
    static final SpecKey<SpecNode> RULES = add(list(TABLE, "rules", false, "row rules silver applies: checks with an action"));
    static final SpecKey<SpecNode> QUARANTINE_SECTION = add(section(TABLE, "quarantine", false, "the table's quarantine threshold and what a failed gate does"));
    static final SpecKey<SpecNode> RECONCILE_SECTION = add(section(TABLE, "reconcile", false,
            "how `reconcile` compares a database source with the lake; the pipeline reconciles after silver when present"));
    static final SpecKey<SpecNode> FRESHNESS_SECTION = add(section(TABLE, "freshness", false,
            "how old the table's data may be; checked by `freshness`, by silver's `quality` and the pipeline's gate"));

    static final SpecKey<SourceFormat> FORMAT = add(enumKey(SOURCE, "format", SourceFormat.class, null,
            "how the files are written: delimited (no quoting), csv (RFC 4180), jsonl, json (arrays or lines), parquet, "
                    + "avro, orc; or jdbc, a database table"));
    static final SpecKey<String> SOURCE_PATH = add(SpecKey.optional(SOURCE, "path", "path",
            "the folder under the landing root that holds the table's files (required for files)", SpecNode::asText,
            null));
    static final SpecKey<String> GLOB = add(text(SOURCE, "glob", "*",
            "which file names are data; with layout flat, **/ matches any subfolder (**/*.csv)"));
    static final SpecKey<LandingLayout> LAYOUT = add(enumKey(SOURCE, "layout", LandingLayout.class, "date_folders",
            "date_folders: <path>/<yyyy-MM-dd>/; hive: <path>/<partition_key>=<yyyy-MM-dd>/; flat: files under "
                    + "<path>, batch date = the run date that first ingests them"));
    static final SpecKey<String> PARTITION_KEY = add(text(SOURCE, "partition_key", "batch_date",
            "the folder key of layout hive"));
    static final SpecKey<SpecNode> OPTIONS = add(section(SOURCE, "options", false, "settings of the format"));
    static final SpecKey<String> DELIMITER = add(text(SOURCE_OPTIONS, "delimiter", "|",
            "field separator (delimited, csv; csv's default is ,)"));
    static final SpecKey<Boolean> TRAILING_DELIMITER = add(SpecKey.of(SOURCE_OPTIONS, "trailing_delimiter", "boolean",
            "true", "whether each line ends with the delimiter, as dbgen writes it (delimited)", Values::bool));
    static final SpecKey<Boolean> HEADER = add(SpecKey.of(SOURCE_OPTIONS, "header", "boolean", "true",
            "the first record names the columns, matched to the schema (or from:) by name in any order (csv)",
            Values::bool));
    static final SpecKey<Character> QUOTE = add(SpecKey.of(SOURCE_OPTIONS, "quote", "character", "\"",
            "encloses a field holding the delimiter, quotes or line breaks (csv)", Values::character));
    static final SpecKey<Character> ESCAPE = add(SpecKey.of(SOURCE_OPTIONS, "escape", "character", "\"",
            "escapes a quote in a quoted field; the quote itself means a doubled quote (csv)", Values::character));
    static final SpecKey<String> NULL_VALUE = add(text(SOURCE_OPTIONS, "null_value", "",
            "the text that stands for null; an empty field is always null (csv)"));
    static final SpecKey<String> COMMENT = add(text(SOURCE_OPTIONS, "comment", "",
            "lines starting with this prefix are skipped and counted (csv)"));
    static final SpecKey<String> ENCODING = add(text(SOURCE_OPTIONS, "encoding", "UTF-8",
            "the files' character set, ASCII-compatible; invalid bytes make a parse error (csv)"));

    static final SpecKey<String> JDBC_URL = add(SpecKey.optional(SOURCE, "url", "JDBC URL",
            "the database (jdbc; required for it): jdbc:postgresql://host:port/db; the URL picks the driver",
            SpecNode::asText, null));
    static final SpecKey<String> JDBC_USER = add(text(SOURCE, "user", "", "the database user (jdbc)"));
    static final SpecKey<String> JDBC_PASSWORD = add(SpecKey.of(SOURCE, "password", "secret", "",
            "the user's password (jdbc): from the environment (${PGPASSWORD}), never in a file", SpecNode::asTextOrEmpty));
    static final SpecKey<String> JDBC_TABLE = add(SpecKey.optional(SOURCE, "table", "schema.table",
            "the table to extract (jdbc; this or query)", SpecNode::asText, null));
    static final SpecKey<String> JDBC_QUERY = add(SpecKey.optional(SOURCE, "query", "SQL",
            "one SELECT whose rows are the source (jdbc; this or table)", SpecNode::asText, null));
    static final SpecKey<JdbcMode> JDBC_MODE = add(enumKey(SOURCE, "mode", JdbcMode.class, "incremental",
            "incremental: rows above the last extract's watermark; snapshot: the whole table, deletes derived (jdbc)"));
    static final SpecKey<List<String>> WATERMARK = add(columns(SOURCE, "watermark",
            "monotonic columns compared in order, the last a tie-breaker: [updated_at, id] (jdbc incremental; required)"));
    // Rows committed in the last minutes may still be invisible to this run's snapshot of the database.
    static final SpecKey<java.time.Duration> LAG = add(SpecKey.of(SOURCE, "lag", "duration", "5m",
            "an extract stops this far behind the run's start; later rows wait for the next run (jdbc incremental)",
            Values::duration));
    static final SpecKey<String> PARTITION_COLUMN = add(SpecKey.optional(SOURCE, "partition_column", "column",
            "a number, date or timestamp column to split the read on; bounds come from a min/max query (jdbc)",
            SpecNode::asText, null));
    static final SpecKey<Integer> PARTITIONS = add(SpecKey.of(SOURCE, "partitions", "count", "1",
            "connections reading side by side, with partition_column (jdbc)", Values::positive));
    static final SpecKey<Integer> FETCH_SIZE = add(SpecKey.of(SOURCE, "fetch_size", "rows", "10000",
            "rows fetched per round trip (jdbc)", Values::positive));
    static final SpecKey<Integer> CONNECT_ATTEMPTS = add(SpecKey.of(SOURCE, "connect_attempts", "count", "3",
            "tries to reach the database before the table fails; a refused login fails at once (jdbc)",
            Values::positive));
    static final SpecKey<java.time.Duration> RETRY_BACKOFF = add(SpecKey.of(SOURCE, "retry_backoff", "duration", "2s",
            "the wait before the second try, doubled for each later one (jdbc)", Values::duration));

    /** The source keys only landing files take, and those only a database takes. */
    static final List<SpecKey<?>> FILE_ONLY = List.of(SOURCE_PATH, GLOB, LAYOUT, PARTITION_KEY, OPTIONS);
    static final List<SpecKey<?>> JDBC_ONLY = List.of(JDBC_URL, JDBC_USER, JDBC_PASSWORD, JDBC_TABLE, JDBC_QUERY,
            JDBC_MODE, WATERMARK, LAG, PARTITION_COLUMN, PARTITIONS, FETCH_SIZE, CONNECT_ATTEMPTS, RETRY_BACKOFF);

    static final SpecKey<String> COLUMN_NAME = add(SpecKey.of(COLUMN, "name", "name", null,
            "letters, digits and _, starting with a letter", SpecNode::asText));
    static final SpecKey<String> COLUMN_TYPE = add(SpecKey.of(COLUMN, "type", "type", null,
            "one of " + ColumnType.VALID, SpecNode::asText));
    static final SpecKey<Boolean> REQUIRED = add(SpecKey.of(COLUMN, "required", "boolean", "false",
            "a null or empty value quarantines the row (rule required_<column>)", Values::bool));
    static final SpecKey<Standardize> STANDARDIZE = add(enumKey(COLUMN, "standardize", Standardize.class, "none",
            "how silver normalizes a text column"));
    static final SpecKey<Pii> PII = add(enumKey(COLUMN, "pii", Pii.class, "none",
            "hash (salted SHA-256) or mask: personal data is never in the clear in silver"));
    static final SpecKey<String> COLUMN_DESCRIPTION = add(text(COLUMN, "description", "", "what the column holds"));
    static final SpecKey<String> FROM = add(SpecKey.optional(COLUMN, "from", "text",
            "the source's name for the field when it differs: a CSV header, a JSON key (spaces allowed) or a dotted "
                    + "path (address.city)", SpecNode::asText, null));
    static final SpecKey<String> VALUE_FORMAT = add(SpecKey.optional(COLUMN, "format", "pattern",
            "how a date or timestamp is written, as a java.time pattern (MMM d yyyy; default ISO)", SpecNode::asText,
            null));
    static final SpecKey<String> TIMEZONE = add(SpecKey.optional(COLUMN, "timezone", "zone",
            "where a timestamp without an offset was written (Europe/Paris; default UTC)", SpecNode::asText, null));
    static final SpecKey<List<String>> TRUE_VALUES = add(SpecKey.optional(COLUMN, "true_values", "list",
            "the texts of true, any case, quoted (boolean; default true)", Values::booleanTexts, List.of()));
    static final SpecKey<List<String>> FALSE_VALUES = add(SpecKey.optional(COLUMN, "false_values", "list",
            "the texts of false, any case, quoted (boolean; default false)", Values::booleanTexts, List.of()));

    static final SpecKey<String> CDC_OP = add(text(CDC, "op", "op", "the event's operation field: c, u or d"));
    static final SpecKey<String> CDC_SEQUENCE = add(text(CDC, "sequence", "seq",
            "the field that orders a key's events"));
    static final SpecKey<String> CDC_BEFORE = add(text(CDC, "before", "before", "the field with the row before the event"));
    static final SpecKey<String> CDC_AFTER = add(text(CDC, "after", "after", "the field with the row after the event"));
    // Above 5 % quarantined, something upstream is broken rather than a few bad rows.
    static final SpecKey<Double> MAX_RATE = add(SpecKey.of(QUARANTINE, "max_rate", "fraction", "0.05",
            "the share of a run's rows that may be quarantined before the run fails (exit 3)", Values::fraction));
    // A failed gate is a stop: merging the batch anyway would carry it into gold the next day.
    static final SpecKey<QuarantineGate> ON_GATE = add(enumKey(QUARANTINE, "on_gate", QuarantineGate.class, "hold",
            "when the gate fails (exit 3): hold merges nothing of the batch and leaves it for the rerun after a fix; "
            + "commit merges its valid rows and marks it applied"));
    // A reconciliation is a proof: by default one missing, extra or different key fails it.
    static final SpecKey<Double> MAX_DISCREPANCY = add(SpecKey.of(RECONCILE, "max_discrepancy", "fraction", "0",
            "the share of keys that may be missing, extra or different before reconcile fails (exit 3)",
            Values::fraction));
    static final SpecKey<Integer> SAMPLE_KEYS = add(SpecKey.of(RECONCILE, "sample_keys", "count", "10",
            "how many keys of each difference (missing, extra, different) reconcile lists", Values::positive));

    static final SpecKey<java.time.Duration> WARN_AFTER = add(SpecKey.optional(FRESHNESS, "warn_after", "duration",
            "data older than this is a warning, logged and recorded (6h)", Values::duration, null));
    static final SpecKey<java.time.Duration> ERROR_AFTER = add(SpecKey.optional(FRESHNESS, "error_after", "duration",
            "data older than this fails the quality gate, exit 3 (24h)", Values::duration, null));
    static final SpecKey<String> LOADED_AT = add(text(FRESHNESS, "loaded_at", FreshnessSpec.INGEST,
            "ingest: the last bronze commit that added rows; or a silver date or timestamp column, whose largest value counts"));

    // ---- checks: row rules and table constraints share these keys ------------------------------
    /** The keys every check has, row rule or table constraint, declared once for both. */
    record CheckKeys(SpecKey<String> check, SpecKey<String> description,
                     SpecKey<String> column, SpecKey<String> min, SpecKey<String> max,
                     SpecKey<List<String>> values, SpecKey<String> regex, SpecKey<String> predicate,
                     SpecKey<String> table, SpecKey<List<String>> to) {
    }

    static final CheckKeys RULE_KEYS = checkKeys(RULE, String.join(", ", RuleBinder.KINDS));
    static final SpecKey<String> RULE_NAME = add(SpecKey.of(RULE, "name", "name", null,
            "what quarantine and the ledger call the rule: lower case letters, digits and _", SpecNode::asText));
    static final SpecKey<RuleAction> ACTION = add(enumKey(RULE, "action", RuleAction.class, "quarantine",
            "what a row that breaks the rule does: quarantine, drop (counted), warn (kept, counted), fail (exit 3)"));
    // A parent a day or two late is normal for many feeds; a row that waits longer is a real orphan.
    static final SpecKey<java.time.Duration> RETRY = add(SpecKey.optional(RULE, "retry", "duration",
            "references only: judge a row quarantined for a missing parent again in each silver run for this long "
            + "after its batch date (3d, 12h), then mark it expired", Values::duration, null));
    static final SpecKey<SpecNode> LEGACY_RANGE = add(legacy(RULE, "range", "check: range with min and max"));
    static final SpecKey<SpecNode> LEGACY_ALLOWED = add(legacy(RULE, "allowed", "check: allowed_values with values"));
    static final SpecKey<SpecNode> LEGACY_PATTERN = add(legacy(RULE, "pattern", "check: pattern with regex"));
    static final SpecKey<SpecNode> LEGACY_REFERENCES = add(legacy(RULE, "references",
            "check: references with table and to"));

    static final CheckKeys CONSTRAINT_KEYS = checkKeys(CONSTRAINT, Values.enumNames(ConstraintKind.class));
    static final SpecKey<String> CONSTRAINT_NAME = add(SpecKey.optional(CONSTRAINT, "name", "name",
            "what the results call the constraint (default: the kind and its columns)", SpecNode::asText, null));
    static final SpecKey<List<String>> COLUMNS = add(columns(CONSTRAINT, "columns",
            "the columns checked together (unique, references)"));
    static final SpecKey<Double> VALUE = add(SpecKey.optional(CONSTRAINT, "value", "number",
            "the bound of min and max checks", Values::number, null));
    static final SpecKey<Double> MIN_FRACTION = add(SpecKey.of(CONSTRAINT, "min_fraction", "fraction", "1",
            "the share of rows that must pass a row-level check", Values::fraction));
    static final SpecKey<String> WHERE = add(SpecKey.optional(CONSTRAINT, "where", "SQL",
            "only rows meeting this condition are checked (not anomaly)", SpecNode::asText, ""));
    static final SpecKey<ConstraintSpec.Severity> SEVERITY = add(enumKey(CONSTRAINT, "severity",
            ConstraintSpec.Severity.class, "error", "error fails the quality gate (exit 3); warning is recorded only"));
    static final SpecKey<String> METRIC = add(SpecKey.optional(CONSTRAINT, "metric", "name",
            "what an anomaly check watches: row_count or a constraint's name", SpecNode::asText, ""));
    static final SpecKey<Double> MAX_DECREASE = add(SpecKey.optional(CONSTRAINT, "max_decrease", "fraction",
            "anomaly: the largest allowed fall against the latest earlier run date", Values::fraction, null));
    static final SpecKey<Double> MAX_INCREASE = add(SpecKey.optional(CONSTRAINT, "max_increase", "number",
            "anomaly: the largest allowed rise, as a share of the earlier value (1 = may double)", Values::number, null));

    // ---- gold ---------------------------------------------------------------------------------
    static final SpecKey<String> MODEL_DESCRIPTION = add(text(MODEL, "description", "", "what the model holds"));
    static final SpecKey<String> SQL = add(SpecKey.of(MODEL, "sql", "path", null,
            "the model's Spark SQL file, relative to the spec's folder; reads silver tables by layer and name",
            SpecNode::asText));
    static final SpecKey<List<String>> GRAIN = add(SpecKey.of(MODEL, "grain", "columns", null,
            "the columns that identify one row of the model", Values::strings));
    static final SpecKey<List<String>> MODEL_PARTITION_BY = add(columns(MODEL, "partition_by",
            "the model's partition columns; an incremental refresh rewrites whole partitions"));
    static final SpecKey<GoldRefresh> REFRESH = add(enumKey(MODEL, "refresh", GoldRefresh.class, "incremental",
            "incremental: rewrite the partitions changed input rows touch (needs partition_by); full: rebuild"));

    // ---- maintenance --------------------------------------------------------------------------
    static final SpecKey<String> ARCHIVE_ROOT = add(SpecKey.optional(MAINTENANCE, "archive_root", "path or URI",
            "where retention archives rows (default: <lake_root>/archive)", SpecNode::asText, null));
    static final SpecKey<Long> TARGET_FILE_SIZE = add(SpecKey.of(MAINTAINED, "target_file_size", "size", "128MB",
            "OPTIMIZE's target file size", Values::size).withDefault(Layer.GOLD, "64MB"));
    static final SpecKey<Integer> SMALL_FILE_THRESHOLD = add(SpecKey.of(MAINTAINED, "small_file_threshold", "count",
            "4", "compact a partition with more files below half the target size than this", Values::positive)
            .withDefault(Layer.BRONZE, "8"));
    static final SpecKey<List<String>> ZORDER_BY = add(columns(MAINTAINED, "zorder_by",
            "Z-order compacted files by these columns"));
    static final SpecKey<List<String>> CLUSTER_BY = add(columns(MAINTAINED, "cluster_by",
            "liquid clustering columns (unpartitioned tables; not with zorder_by)"));
    static final SpecKey<Long> VACUUM_RETENTION = add(SpecKey.of(MAINTAINED, "vacuum_retention", "duration", "7d",
            "VACUUM removes unreferenced files older than this", Values::hours));
    static final SpecKey<Boolean> VACUUM_BELOW_SAFETY_MINIMUM = add(SpecKey.of(MAINTAINED,
            "vacuum_below_safety_minimum", "boolean", "false",
            "allow a vacuum_retention below deleted_file_retention", Values::bool));
    static final SpecKey<Long> DELETED_FILE_RETENTION = add(SpecKey.of(MAINTAINED, "deleted_file_retention",
            "duration", "7d", "delta.deletedFileRetentionDuration", Values::hours));
    static final SpecKey<Long> LOG_RETENTION = add(SpecKey.of(MAINTAINED, "log_retention", "duration", "30d",
            "delta.logRetentionDuration: how far back time travel goes", Values::hours));
    static final SpecKey<Integer> CHECKPOINT_INTERVAL = add(SpecKey.of(MAINTAINED, "checkpoint_interval", "count",
            "10", "delta.checkpointInterval", Values::positive));
    static final SpecKey<List<String>> STATS_COLUMNS = add(SpecKey.optional(MAINTAINED, "stats_columns", "columns",
            "delta.dataSkippingStatsColumns, plus the zorder_by and cluster_by columns (none: Delta's default, the"
            + " first 32 columns)", Values::strings, List.<String>of())
            .withDefault(Layer.BRONZE, "[" + String.join(", ", BronzeColumns.STATS) + "]"));
    static final SpecKey<SpecNode> RETAIN_SECTION = add(section(MAINTAINED, "retain", false,
            "archive, then delete, rows older than keep"));
    static final SpecKey<String> RETAIN_COLUMN = add(SpecKey.of(RETAIN, "column", "column", null,
            "the date column whose age counts", SpecNode::asText));
    static final SpecKey<Long> RETAIN_KEEP = add(SpecKey.of(RETAIN, "keep", "duration", null,
            "how long rows stay, in whole days (90d)", Values::hours));

    private SpecKeys() {
    }

    /** The CSV dialect when the spec sets none: RFC 4180 with a header, UTF-8. */
    static CsvOptions defaultCsv() {
        return new CsvOptions(HEADER.defaultValue(), QUOTE.defaultValue(), ESCAPE.defaultValue(), "", "",
                ENCODING.defaultValue());
    }

    /** Every key, in the order of the reference. */
    public static List<SpecKey<?>> all() {
        return Collections.unmodifiableList(ALL);
    }

    /** The names of the keys a section may hold. */
    static String[] in(String section) {
        return ALL.stream().filter(k -> k.section().equals(section)).map(SpecKey::name).toArray(String[]::new);
    }

    /** The key {@code name} of {@code section}; fails when the catalog has no such key (a binder's typo). */
    static SpecKey<?> key(String section, String name) {
        return ALL.stream().filter(k -> k.section().equals(section) && k.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no key " + section + "." + name + " in the catalog"));
    }

    /** The reference as a Markdown table: key, type, default, meaning. */
    public static String markdown() {
        StringBuilder md = new StringBuilder("| key | type | default | meaning |\n|---|---|---|---|\n");
        for (SpecKey<?> k : ALL) {
            md.append("| `").append(k.path()).append("` | ").append(k.type()).append(" | ")
                    .append(k.defaultShown().replace("|", "\\|")).append(" | ")
                    .append(k.help().replace("|", "\\|")).append(" |\n");
        }
        return md.toString();
    }

    /** The reference as text for a terminal: one key a line, then its type, default and meaning. */
    public static String text() {
        int width = ALL.stream().mapToInt(k -> k.path().length()).max().orElse(0);
        StringBuilder out = new StringBuilder();
        for (SpecKey<?> k : ALL) {
            out.append(String.format("%-" + width + "s  %s; default %s%n%" + width + "s  %s%n", k.path(), k.type()
                    .replace(" \\| ", "|"), k.defaultShown(), "", k.help()));
        }
        return out.toString();
    }

    private static <T> SpecKey<T> add(SpecKey<T> key) {
        if (ALL.stream().anyMatch(k -> k.path().equals(key.path()))) {
            throw new IllegalStateException("key " + key.path() + " is declared twice");
        }
        ALL.add(key);
        return key;
    }

    private static SpecKey<String> text(String section, String name, String defaultText, String help) {
        return SpecKey.of(section, name, "text", defaultText, help, SpecNode::asText);
    }

    private static SpecKey<SpecNode> section(String section, String name, boolean required, String help) {
        return required ? SpecKey.of(section, name, "mapping", null, help, Function.identity())
                : SpecKey.optional(section, name, "mapping", help, Function.identity(), null);
    }

    private static SpecKey<SpecNode> list(String section, String name, boolean required, String help) {
        return required ? SpecKey.of(section, name, "list", null, help, Function.identity())
                : SpecKey.optional(section, name, "list", help, Function.identity(), null);
    }

    private static SpecKey<List<String>> columns(String section, String name, String help) {
        return SpecKey.optional(section, name, "columns", help, Values::strings, List.of());
    }

    private static SpecKey<SpecNode> legacy(String section, String name, String replacement) {
        return SpecKey.optional(section, name, "old spelling", "accepted with a warning; write " + replacement,
                Function.identity(), null);
    }

    private static <E extends Enum<E>> SpecKey<E> enumKey(String section, String name, Class<E> type,
                                                           String defaultText, String help) {
        return SpecKey.of(section, name, Values.enumNames(type).replace(", ", " \\| "), defaultText, help,
                n -> Values.enumValue(n, type));
    }

    private static CheckKeys checkKeys(String section, String kinds) {
        return new CheckKeys(
                add(SpecKey.of(section, "check", "kind", null, "what is checked: " + kinds, SpecNode::asText)),
                add(text(section, "description", "", "what the check is for")),
                add(SpecKey.optional(section, "column", "column", "the column checked", SpecNode::asText, null)),
                add(SpecKey.optional(section, "min", "number or date",
                        "the lower bound (range; of constraints also size, sum, mean, approx_distinct)", SpecNode::asText,
                        null)),
                add(SpecKey.optional(section, "max", "number or date", "the upper bound", SpecNode::asText, null)),
                add(SpecKey.optional(section, "values", "list", "the allowed values (allowed_values)", Values::strings,
                        List.of())),
                add(SpecKey.optional(section, "regex", "regex", "the pattern a whole value must match (pattern)",
                        SpecNode::asText, "")),
                add(SpecKey.optional(section, "predicate", "SQL",
                        "a Spark SQL condition every row must meet (predicate)", SpecNode::asText, "")),
                add(SpecKey.optional(section, "table", "layer.table",
                        "the table the values must exist in (references; a bare name is a silver table)",
                        SpecNode::asText, null)),
                add(columns(section, "to", "the referenced table's columns, one per checked column (references)")));
    }
}
