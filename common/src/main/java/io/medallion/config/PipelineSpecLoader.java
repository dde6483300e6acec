package io.medallion.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.medallion.lake.BronzeColumns;
import io.medallion.lake.TableRef;
import io.medallion.lineage.LineageSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a pipeline spec: reads the YAML file, merges the env overlay
 * (found by {@link #overlayCandidates}, or a path), substitutes
 * {@code ${ENV:-default}} references, and binds the result to validated records. Every failure is
 * a {@link SpecException} naming the file and key path; nothing here starts Spark.
 */
public final class PipelineSpecLoader {
    private static final Logger LOG = LoggerFactory.getLogger(PipelineSpecLoader.class);
    public static final String DEFAULT_PIPELINE = "conf/pipelines/tpch.yaml";
    public static final String DEFAULT_ENV = "local";

    private static final Pattern TABLE_NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern COLUMN_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    /** A database name part: letters, digits, _ and $; nothing a statement could be hidden in. */
    private static final Pattern SQL_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_$]*");
    private static final Pattern URI_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]+:.*");

    /** Strict about duplicate keys: YAML would let the later of two same-named tables win silently. */
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
    private final Map<String, String> environment;
    private final Path workingDirectory;

    public PipelineSpecLoader(Map<String, String> environment, Path workingDirectory) {
        this.environment = Map.copyOf(environment);
        this.workingDirectory = workingDirectory.toAbsolutePath();
    }

    /** A loader that reads the process environment and resolves paths against the working directory. */
    public static PipelineSpecLoader fromProcess() {
        return new PipelineSpecLoader(System.getenv(), Path.of(""));
    }

    /**
     * @param env overlay names or paths, comma-separated, merged over the spec in that order (a later
     *            overlay wins), e.g. {@code local,s3}; blank for none
     */
    public PipelineSpec load(Path pipelineFile, String env) {
        Resolved resolved = resolve(pipelineFile, env);
        List<String> warnings = new ArrayList<>();
        PipelineSpec spec = bind(new SpecNode(resolved.origin(), "", resolved.root(), warnings), pipelineFile.toString(),
                warnings);
        spec.warnings().forEach(w -> LOG.warn("{}", w));
        return spec;
    }

    /**
     * The spec's text as the jobs see it: overlays merged and the environment substituted, not
     * validated ({@link #load} does that). Secrets are in the clear; {@link Secrets#masked} before
     * printing it.
     */
    public JsonNode effective(Path pipelineFile, String env) {
        return resolve(pipelineFile, env).root();
    }

    private record Resolved(JsonNode root, Function<String, String> origin) {
    }

    private Resolved resolve(Path pipelineFile, String env) {
        String pipelineLabel = pipelineFile.toString();
        JsonNode root = read(pipelineFile, pipelineLabel);
        Map<String, String> overlayPaths = new HashMap<>();
        for (String name : env == null ? new String[0] : env.split(",")) {
            if (!name.isBlank() && root instanceof ObjectNode object) {
                mergeOverlay(object, pipelineFile, name.strip(), overlayPaths);
            }
        }
        Function<String, String> origin = path -> originOf(path, overlayPaths, pipelineLabel);
        substitute(root, "", origin);
        return new Resolved(root, origin);
    }

    private void mergeOverlay(ObjectNode root, Path pipelineFile, String env, Map<String, String> overlayPaths) {
        List<Path> candidates = overlayCandidates(pipelineFile, env);
        Path overlayFile = candidates.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() ->
                new SpecException(pipelineFile.toString(), "", "env overlay '" + env + "' not found; looked for "
                        + candidates.stream().map(this::shown).toList()
                        + " (--env takes overlay names or paths to .yaml files, comma-separated)"));
        String label = shown(overlayFile);
        JsonNode overlay = read(overlayFile, label);
        if (!overlay.isNull() && !overlay.isMissingNode()) {
            if (!overlay.isObject()) {
                throw new SpecException(label, "", "an overlay must be a mapping of keys");
            }
            merge(root, (ObjectNode) overlay, "", label, overlayPaths);
        }
    }

    /**
     * Where an overlay name is looked for, first found wins: the spec's own project ({@code env/}
     * beside the spec, or beside its folder as in {@code conf/pipelines} and {@code conf/env}),
     * then the working directory's {@code conf/env}, then the installation's ({@code MEDALLION_HOME}).
     * So a spec kept anywhere gets the project's default overlay unless its folder has its own.
     */
    List<Path> overlayCandidates(Path pipelineFile, String env) {
        if (env.endsWith(".yaml") || env.endsWith(".yml")) {
            return List.of(workingDirectory.resolve(env));
        }
        String file = env + ".yaml";
        Path specDir = pipelineFile.toAbsolutePath().getParent();
        List<Path> dirs = new ArrayList<>();
        dirs.add(specDir.resolve("env"));
        if (specDir.getParent() != null) {
            dirs.add(specDir.getParent().resolve("env"));
        }
        dirs.add(workingDirectory.resolve("conf/env"));
        String home = environment.get("MEDALLION_HOME");
        if (home != null && !home.isBlank()) {
            dirs.add(Path.of(home).toAbsolutePath().resolve("conf/env"));
        }
        return dirs.stream().map(d -> d.resolve(file).normalize()).distinct().toList();
    }

    /** A path as the user would write it: relative when under the working directory. */
    private String shown(Path path) {
        Path absolute = workingDirectory.resolve(path).normalize();
        return (absolute.startsWith(workingDirectory) ? workingDirectory.relativize(absolute) : absolute).toString();
    }

    private JsonNode read(Path file, String label) {
        if (!Files.isRegularFile(file)) {
            throw new SpecException(label, "", "file not found (--pipeline names the spec file)");
        }
        try {
            JsonNode node = yaml.readTree(file.toFile());
            if (node == null || node.isMissingNode() || node.isNull()) {
                throw new SpecException(label, "", "the file is empty");
            }
            return node;
        } catch (JsonProcessingException e) {
            if (e.getProcessor() instanceof com.fasterxml.jackson.core.JsonParser parser
                    && e.getOriginalMessage().startsWith("Duplicate field")) {
                com.fasterxml.jackson.core.JsonStreamContext context = parser.getParsingContext();
                String name = context.getCurrentName();
                String path = name;
                for (var c = context.getParent(); c != null && !c.inRoot(); c = c.getParent()) {
                    path = c.inArray() ? "[" + c.getCurrentIndex() + "]." + path : c.getCurrentName() + "." + path;
                }
                throw new SpecException(label, path.replace(".[", "["), "'" + name + "' is declared twice (again "
                        + "at line " + e.getLocation().getLineNr() + "); keep one of them");
            }
            String where = e.getLocation() == null ? ""
                    : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
            throw new SpecException(label, "", "not valid YAML" + where + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new SpecException(label, "", "cannot read: " + e.getMessage(), e);
        }
    }

    /** Deep merge: mappings merge key by key, anything else in the overlay replaces. */
    private static void merge(ObjectNode base, ObjectNode overlay, String path, String overlayLabel,
                              Map<String, String> overlayPaths) {
        for (Iterator<Map.Entry<String, JsonNode>> it = overlay.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String childPath = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
            JsonNode existing = base.get(e.getKey());
            if (existing instanceof ObjectNode target && e.getValue() instanceof ObjectNode source) {
                merge(target, source, childPath, overlayLabel, overlayPaths);
            } else {
                base.set(e.getKey(), e.getValue());
                overlayPaths.put(childPath, overlayLabel);
            }
        }
    }

    private static String originOf(String path, Map<String, String> overlayPaths, String pipelineLabel) {
        for (Map.Entry<String, String> e : overlayPaths.entrySet()) {
            String p = e.getKey();
            if (path.equals(p) || path.startsWith(p + ".") || path.startsWith(p + "[")) {
                return e.getValue();
            }
        }
        return pipelineLabel;
    }

    private void substitute(JsonNode node, String path, Function<String, String> origin) {
        EnvSubstitution substitution = new EnvSubstitution(environment);
        if (node instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                String childPath = path.isEmpty() ? name : path + "." + name;
                JsonNode child = object.get(name);
                if (child.isTextual()) {
                    object.set(name, new TextNode(substituteText(substitution, child.asText(), childPath, origin)));
                } else {
                    substitute(child, childPath, origin);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                String childPath = path + "[" + i + "]";
                JsonNode child = array.get(i);
                if (child.isTextual()) {
                    array.set(i, new TextNode(substituteText(substitution, child.asText(), childPath, origin)));
                } else {
                    substitute(child, childPath, origin);
                }
            }
        }
    }

    private static String substituteText(EnvSubstitution substitution, String text, String path,
                                         Function<String, String> origin) {
        try {
            return substitution.apply(text);
        } catch (IllegalArgumentException e) {
            throw new SpecException(origin.apply(path), path, e.getMessage());
        }
    }

    // ---- binding -------------------------------------------------------------------------

    private PipelineSpec bind(SpecNode root, String pipelineLabel, List<String> warnings) {
        root.allowOnly(SpecKeys.in(SpecKeys.ROOT));
        String defaultName = Path.of(pipelineLabel).getFileName().toString().replaceFirst("\\.ya?ml$", "");
        String name = SpecKeys.PIPELINE.find(root).orElse(defaultName);
        StorageSpec storage = bindStorage(SpecKeys.STORAGE_SECTION.read(root));
        SparkSpec spark = SpecKeys.SPARK_SECTION.find(root).map(this::bindSpark)
                .orElse(new SparkSpec(SpecKeys.PROFILE.defaultValue(), Map.of()));
        String piiSalt = SpecKeys.PRIVACY_SECTION.find(root)
                .map(p -> SpecKeys.PII_SALT.read(p.allowOnly(SpecKeys.in(SpecKeys.PRIVACY))))
                .orElse(SpecKeys.PII_SALT.defaultValue());
        SpecNode tablesNode = SpecKeys.TABLES.read(root);
        Map<String, TableSpec> tables = new LinkedHashMap<>();
        tablesNode.map(t -> t).forEach((tableName, node) -> {
            if (!TABLE_NAME.matcher(tableName).matches()) {
                throw node.error("table name '" + tableName
                        + "' must be lower case letters, digits and _ and start with a letter");
            }
            tables.put(tableName, bindTable(tableName, node));
        });
        if (tables.isEmpty()) {
            throw tablesNode.error("declare at least one table");
        }
        RuleBinder.checkReferences(tablesNode, tables);
        Path specDirectory = workingDirectory.resolve(pipelineLabel).getParent();
        Map<String, GoldModelSpec> gold = SpecKeys.GOLD.find(root)
                .map(g -> GoldBinder.bind(g, specDirectory, tables.values())).orElse(Map.of());
        Map<TableRef, List<ConstraintSpec>> quality = SpecKeys.QUALITY.find(root)
                .map(q -> QualityBinder.bind(q, tables.values(), gold)).orElse(Map.of());
        Map<TableRef, MaintenanceSpec> maintenance = MaintenanceBinder.bind(SpecKeys.MAINTENANCE_SECTION.find(root),
                storage.lakeRoot(), tables.values(), gold);
        OperationsSpec operations = bindOperations(root, storage);
        if (operations.lineage().isPresent()) {
            spark = new SparkSpec(spark.profile(), LineageSettings.under(spark.conf(), operations.lineage().get()));
        }
        return new PipelineSpec(name, pipelineLabel, storage, spark, piiSalt, tables, gold, quality, maintenance,
                root.has(SpecKeys.MAINTENANCE_SECTION.name()), operations, warnings);
    }

    private OperationsSpec bindOperations(SpecNode root, StorageSpec storage) {
        String reports = SpecKeys.REPORTS_SECTION.find(root)
                .flatMap(r -> SpecKeys.REPORTS_PATH.find(r.allowOnly(SpecKeys.in(SpecKeys.REPORTS))))
                .map(this::resolveLocation).orElse(storage.lakeRoot() + "/ops/reports");
        Optional<String> metrics = SpecKeys.METRICS_SECTION.find(root).map(m -> {
            SpecNode node = m.allowOnly(SpecKeys.in(SpecKeys.METRICS));
            String path = SpecKeys.METRICS_PATH.read(node);
            if (URI_SCHEME.matcher(path).matches() && !path.startsWith("file:")) {
                throw node.error(SpecKeys.METRICS_PATH.name(), "node_exporter reads a local folder; got '" + path + "'");
            }
            return workingDirectory.resolve(path.replaceFirst("^file:", "")).normalize().toString();
        });
        OperationsSpec.Alerts alerts = SpecKeys.ALERTS_SECTION.find(root).map(this::bindAlerts)
                .orElse(OperationsSpec.Alerts.NONE);
        Optional<LineageSpec> lineage = SpecKeys.LINEAGE_SECTION.find(root).map(this::bindLineage);
        return new OperationsSpec(reports, metrics, alerts, lineage);
    }

    private LineageSpec bindLineage(SpecNode node) {
        node.allowOnly(SpecKeys.in(SpecKeys.LINEAGE));
        LineageSpec.Transport transport = SpecKeys.LINEAGE_TRANSPORT.read(node);
        String location = SpecKeys.LINEAGE_LOCATION.read(node);
        String url = SpecKeys.LINEAGE_URL.read(node);
        if (transport == LineageSpec.Transport.FILE && location == null) {
            throw node.error(SpecKeys.LINEAGE_LOCATION.name(), "transport: file needs the file to append events to");
        }
        if (transport == LineageSpec.Transport.HTTP && (url == null || !url.matches("(?i)https?://.+"))) {
            throw node.error(SpecKeys.LINEAGE_URL.name(), "transport: http needs an http:// or https:// URL"
                    + (url == null ? "" : ", got '" + url + "'"));
        }
        if (location != null && URI_SCHEME.matcher(location).matches() && !location.startsWith("file:")) {
            throw node.error(SpecKeys.LINEAGE_LOCATION.name(), "events are appended to a local file; got '" + location + "'");
        }
        String file = location == null ? null
                : workingDirectory.resolve(location.replaceFirst("^file:", "")).normalize().toString();
        return new LineageSpec(transport, file, url, SpecKeys.LINEAGE_NAMESPACE.read(node));
    }

    private OperationsSpec.Alerts bindAlerts(SpecNode node) {
        node.allowOnly(SpecKeys.in(SpecKeys.ALERTS));
        String webhook = SpecKeys.WEBHOOK.read(node);
        if (!webhook.isEmpty() && !webhook.matches("(?i)https?://.+")) {
            // The value is a secret: the message names the key, not the value.
            throw node.error(SpecKeys.WEBHOOK.name(), "expected an http:// or https:// URL");
        }
        Set<OperationsSpec.AlertOn> on = new java.util.LinkedHashSet<>();
        List<String> names = SpecKeys.ALERT_ON.read(node);
        for (String n : names) {
            on.add(java.util.Arrays.stream(OperationsSpec.AlertOn.values()).filter(a -> a.specName().equals(n))
                    .findFirst().orElseThrow(() -> node.error(SpecKeys.ALERT_ON.name(), "'" + n + "' is not one of "
                            + String.join(", ", OperationsSpec.Alerts.names()))));
        }
        return new OperationsSpec.Alerts(webhook, on, SpecKeys.ALERT_ATTEMPTS.read(node),
                SpecKeys.ALERT_BACKOFF.read(node));
    }

    private StorageSpec bindStorage(SpecNode node) {
        node.allowOnly(SpecKeys.in(SpecKeys.STORAGE));
        return new StorageSpec(resolveLocation(SpecKeys.LAKE_ROOT.read(node)),
                resolveLocation(SpecKeys.LANDING_ROOT.read(node)));
    }

    /** Relative local paths become absolute {@code file:} URIs so every job sees the same place. */
    String resolveLocation(String location) {
        String trimmed = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
        if (URI_SCHEME.matcher(trimmed).matches()) {
            return trimmed;
        }
        String uri = workingDirectory.resolve(trimmed).normalize().toUri().toString();
        return uri.endsWith("/") ? uri.substring(0, uri.length() - 1) : uri;
    }

    private SparkSpec bindSpark(SpecNode node) {
        node.allowOnly(SpecKeys.in(SpecKeys.SPARK));
        return new SparkSpec(SpecKeys.PROFILE.read(node), SpecKeys.SPARK_CONF.read(node));
    }

    private TableSpec bindTable(String name, SpecNode node) {
        node.allowOnly(SpecKeys.in(SpecKeys.TABLE));
        SourceSpec source = bindSource(SpecKeys.SOURCE_SECTION.read(node));
        SpecNode schemaNode = SpecKeys.SCHEMA.read(node);
        List<ColumnSpec> schema = schemaNode.list(this::bindColumn);
        if (schema.isEmpty()) {
            throw schemaNode.error("declare at least one column");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < schema.size(); i++) {
            if (!seen.add(schema.get(i).name().toLowerCase(Locale.ROOT))) {
                throw new SpecException(schemaNode.file(), schemaNode.path() + "[" + i + "].name",
                        "column '" + schema.get(i).name() + "' is declared twice");
            }
        }
        Set<String> columns = new HashSet<>();
        schema.forEach(c -> columns.add(c.name()));

        if (source.jdbc() != null) {
            checkJdbcColumns(node, source.jdbc(), schema);
        }
        Optional<CdcSpec> cdc = SpecKeys.CDC_SECTION.find(node).map(c -> bindCdc(c, source));
        List<String> key = checkColumns(node, SpecKeys.KEY, columns, Set.of());
        if (cdc.isPresent() && key.isEmpty()) {
            throw node.error("key", "a change feed (cdc) needs a key to apply its events to");
        }
        if (key.isEmpty()) {
            throw node.error("key", "declare at least one column: silver merges each batch into the table by key, "
                    + "so declare the columns that identify a row (key: [id])");
        }
        Set<String> orderable = new HashSet<>(BronzeColumns.ALL);
        cdc.ifPresent(c -> orderable.add(c.sequenceField()));
        List<String> latestBy = checkColumns(node, SpecKeys.LATEST_BY, columns, orderable);
        if (latestBy.isEmpty() && source.jdbc() != null) {
            // A key's latest extract is its newest version: the watermark says which that is.
            latestBy = source.jdbc().watermark();
        }
        List<String> partitionBy = checkColumns(node, SpecKeys.PARTITION_BY, columns, Set.of());
        Map<String, ColumnSpec> byName = new LinkedHashMap<>();
        schema.forEach(c -> byName.put(c.name(), c));
        List<RuleSpec> rules = SpecKeys.RULES.find(node).map(r -> r.list(rule -> RuleBinder.bind(rule, byName)))
                .orElse(List.of());
        Set<String> ruleNames = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            if (!ruleNames.add(rules.get(i).name())) {
                throw new SpecException(node.file(), node.path() + ".rules[" + i + "].name",
                        "rule '" + rules.get(i).name() + "' is declared twice in this table");
            }
        }
        Optional<SpecNode> quarantine = SpecKeys.QUARANTINE_SECTION.find(node)
                .map(q -> q.allowOnly(SpecKeys.in(SpecKeys.QUARANTINE)));
        double maxRate = quarantine.map(SpecKeys.MAX_RATE::read).orElse(SpecKeys.MAX_RATE.defaultValue());
        QuarantineGate onGate = quarantine.map(SpecKeys.ON_GATE::read).orElse(SpecKeys.ON_GATE.defaultValue());
        ReconcileSpec reconcile = ReconcileSpec.DEFAULT;
        Optional<SpecNode> reconcileNode = SpecKeys.RECONCILE_SECTION.find(node);
        if (reconcileNode.isPresent()) {
            if (source.jdbc() == null) {
                throw node.error("reconcile", "reconcile compares a database source with the lake; this table's "
                        + "source is " + source.format().specName() + " files");
            }
            if (key.isEmpty()) {
                throw node.error("reconcile", "reconcile compares rows by key; declare the table's key");
            }
            SpecNode r = reconcileNode.get().allowOnly(SpecKeys.in(SpecKeys.RECONCILE));
            reconcile = new ReconcileSpec(SpecKeys.MAX_DISCREPANCY.read(r), SpecKeys.SAMPLE_KEYS.read(r), true);
        }
        FreshnessSpec freshness = SpecKeys.FRESHNESS_SECTION.find(node).map(f -> bindFreshness(f, byName))
                .orElse(FreshnessSpec.NONE);
        return new TableSpec(name, source, schema, key, latestBy, partitionBy, cdc, rules, maxRate, onGate,
                reconcile, freshness);
    }

    private static FreshnessSpec bindFreshness(SpecNode node, Map<String, ColumnSpec> columns) {
        node.allowOnly(SpecKeys.in(SpecKeys.FRESHNESS));
        Optional<java.time.Duration> warn = SpecKeys.WARN_AFTER.find(node);
        Optional<java.time.Duration> error = SpecKeys.ERROR_AFTER.find(node);
        if (warn.isEmpty() && error.isEmpty()) {
            throw node.error("declare warn_after, error_after or both (warn_after: 6h, error_after: 24h)");
        }
        if (warn.isPresent() && error.isPresent() && warn.get().compareTo(error.get()) >= 0) {
            throw node.error(SpecKeys.WARN_AFTER.name(), "warn_after must be shorter than error_after ("
                    + node.get(SpecKeys.ERROR_AFTER.name()).asText() + ")");
        }
        String loadedAt = SpecKeys.LOADED_AT.read(node);
        if (loadedAt.equals(FreshnessSpec.INGEST)) {
            return new FreshnessSpec(warn, error, "", true);
        }
        ColumnSpec column = columns.get(loadedAt);
        if (column == null || (column.type().kind() != ColumnType.Kind.DATE
                && column.type().kind() != ColumnType.Kind.TIMESTAMP)) {
            List<String> valid = new ArrayList<>(List.of(FreshnessSpec.INGEST));
            columns.values().stream().filter(c -> c.type().kind() == ColumnType.Kind.DATE
                    || c.type().kind() == ColumnType.Kind.TIMESTAMP).forEach(c -> valid.add(c.name()));
            throw node.error(SpecKeys.LOADED_AT.name(), "'" + loadedAt + "' is not ingest or a date or timestamp "
                    + "column of the table (valid: " + String.join(", ", valid) + ")");
        }
        return new FreshnessSpec(warn, error, loadedAt, true);
    }

    private static List<String> checkColumns(SpecNode table, SpecKey<List<String>> spec, Set<String> columns,
                                             Set<String> alsoAllowed) {
        String key = spec.name();
        List<String> names = spec.read(table);
        boolean scalar = table.has(key) && !table.get(key).isList();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i);
            String path = table.path() + "." + key + (scalar ? "" : "[" + i + "]");
            if (!columns.contains(n) && !alsoAllowed.contains(n)) {
                List<String> valid = new ArrayList<>(columns);
                valid.addAll(alsoAllowed);
                java.util.Collections.sort(valid);
                throw new SpecException(table.file(), path,
                        "column '" + n + "' is not in the table's schema (valid: " + String.join(", ", valid) + ")");
            }
            if (!seen.add(n)) {
                throw new SpecException(table.file(), path, "column '" + n + "' is listed twice");
            }
        }
        return names;
    }

    /** The options each format takes; the others are refused with this list. */
    private static String[] optionsOf(SourceFormat format) {
        return switch (format) {
            case DELIMITED -> new String[] {SpecKeys.DELIMITER.name(), SpecKeys.TRAILING_DELIMITER.name()};
            case CSV -> new String[] {SpecKeys.DELIMITER.name(), SpecKeys.HEADER.name(), SpecKeys.QUOTE.name(),
                SpecKeys.ESCAPE.name(), SpecKeys.NULL_VALUE.name(), SpecKeys.COMMENT.name(), SpecKeys.ENCODING.name()};
            case JSONL, JSON, PARQUET, AVRO, ORC, JDBC -> new String[0];
        };
    }

    private SourceSpec bindSource(SpecNode node) {
        node.allowOnly(SpecKeys.in(SpecKeys.SOURCE));
        SourceFormat format = SpecKeys.FORMAT.read(node);
        for (SpecKey<?> k : format.isDatabase() ? SpecKeys.FILE_ONLY : SpecKeys.JDBC_ONLY) {
            if (node.has(k.name())) {
                throw node.error(k.name(), "'" + k.name() + "' is for " + (format.isDatabase() ? "landing files"
                        : "format jdbc") + ", not format " + format.specName());
            }
        }
        if (format.isDatabase()) {
            return SourceSpec.database(bindJdbc(node));
        }
        if (!node.has(SpecKeys.SOURCE_PATH.name())) {
            throw node.error(SpecKeys.SOURCE_PATH.name(), "required key is missing (" + SpecKeys.SOURCE_PATH.help() + ")");
        }
        SpecNode options = SpecKeys.OPTIONS.find(node).orElseGet(() -> node.emptyChild(SpecKeys.OPTIONS.name()));
        options.allowOnly(optionsOf(format));
        String delimiter = format == SourceFormat.CSV && !options.has(SpecKeys.DELIMITER.name()) ? ","
                : SpecKeys.DELIMITER.read(options);
        if (delimiter.isEmpty()) {
            throw options.error(SpecKeys.DELIMITER.name(), "the delimiter must not be empty");
        }
        CsvOptions csv = new CsvOptions(SpecKeys.HEADER.read(options), SpecKeys.QUOTE.read(options),
                SpecKeys.ESCAPE.read(options), Objects.requireNonNullElse(SpecKeys.NULL_VALUE.read(options), ""),
                Objects.requireNonNullElse(SpecKeys.COMMENT.read(options), ""), SpecKeys.ENCODING.read(options));
        if (format == SourceFormat.CSV) {
            checkCsv(options, csv, delimiter);
        }
        LandingLayout layout = SpecKeys.LAYOUT.read(node);
        String partitionKey = SpecKeys.PARTITION_KEY.read(node);
        if (!TABLE_NAME.matcher(partitionKey).matches()) {
            throw node.error(SpecKeys.PARTITION_KEY.name(), "'" + partitionKey
                    + "' is not a folder key: lower case letters, digits and _, starting with a letter");
        }
        return new SourceSpec(format, SpecKeys.SOURCE_PATH.read(node), SpecKeys.GLOB.read(node), layout, partitionKey,
                delimiter, SpecKeys.TRAILING_DELIMITER.read(options), csv, null);
    }

    private static JdbcSpec bindJdbc(SpecNode node) {
        String url = SpecKeys.JDBC_URL.read(node);
        if (url == null || !url.startsWith("jdbc:")) {
            throw node.error(SpecKeys.JDBC_URL.name(), url == null ? "required key is missing ("
                    + SpecKeys.JDBC_URL.help() + ")" : "'" + JdbcUrls.withoutCredentials(url)
                    + "' is not a JDBC URL (jdbc:postgresql://host:port/db)");
        }
        String table = SpecKeys.JDBC_TABLE.read(node);
        String query = SpecKeys.JDBC_QUERY.read(node);
        if ((table == null) == (query == null)) {
            throw node.error("give either table or query, not " + (table == null ? "neither" : "both"));
        }
        if (table != null) {
            String[] parts = table.split("\\.", -1);
            if (parts.length > 3 || java.util.Arrays.stream(parts).anyMatch(p -> !SQL_NAME.matcher(p).matches())) {
                throw node.error(SpecKeys.JDBC_TABLE.name(), "'" + table + "' is not a table name: schema.table, "
                        + "each part letters, digits, _ and $");
            }
        }
        if (query != null) {
            String q = query.strip();
            if (!q.regionMatches(true, 0, "select", 0, 6) && !q.regionMatches(true, 0, "with", 0, 4) || q.contains(";")) {
                throw node.error(SpecKeys.JDBC_QUERY.name(), "a source query is one SELECT (or WITH ... SELECT) "
                        + "statement, without ';'");
            }
        }
        JdbcMode mode = SpecKeys.JDBC_MODE.read(node);
        List<String> watermark = SpecKeys.WATERMARK.read(node);
        if (mode == JdbcMode.INCREMENTAL && watermark.isEmpty()) {
            throw node.error(SpecKeys.WATERMARK.name(), "an incremental extract needs a watermark: monotonic "
                    + "columns such as [updated_at, id] (or mode: snapshot)");
        }
        if (mode == JdbcMode.SNAPSHOT && !watermark.isEmpty()) {
            throw node.error(SpecKeys.WATERMARK.name(), "a snapshot reads the whole table: it takes no watermark");
        }
        String partitionColumn = SpecKeys.PARTITION_COLUMN.read(node);
        int partitions = SpecKeys.PARTITIONS.read(node);
        if (partitions > 1 && partitionColumn == null) {
            throw node.error(SpecKeys.PARTITIONS.name(), "a parallel read needs partition_column to split on");
        }
        return new JdbcSpec(url, SpecKeys.JDBC_USER.read(node), SpecKeys.JDBC_PASSWORD.read(node), table, query, mode,
                watermark, SpecKeys.LAG.read(node), partitionColumn, partitions, SpecKeys.FETCH_SIZE.read(node),
                SpecKeys.CONNECT_ATTEMPTS.read(node), SpecKeys.RETRY_BACKOFF.read(node));
    }

    /** A database table's columns, watermark and split column: names the database can be asked for. */
    private static void checkJdbcColumns(SpecNode table, JdbcSpec jdbc, List<ColumnSpec> schema) {
        Set<String> declared = new HashSet<>();
        for (int i = 0; i < schema.size(); i++) {
            ColumnSpec c = schema.get(i);
            declared.add(c.name());
            if (!SQL_NAME.matcher(c.from()).matches()) {
                throw new SpecException(table.file(), table.path() + ".schema[" + i + "].from", "'" + c.from()
                        + "' is not a database column name: letters, digits, _ and $");
            }
        }
        SpecNode source = SpecKeys.SOURCE_SECTION.read(table);
        List<String> named = new ArrayList<>(jdbc.watermark());
        if (jdbc.partitionColumn() != null) {
            named.add(jdbc.partitionColumn());
        }
        for (String n : named) {
            if (!declared.contains(n)) {
                String key = jdbc.watermark().contains(n) ? SpecKeys.WATERMARK.name() : SpecKeys.PARTITION_COLUMN.name();
                throw source.error(key, "column '" + n + "' is not in the table's schema (valid: "
                        + String.join(", ", new java.util.TreeSet<>(declared)) + ")");
            }
        }
    }

    private static void checkCsv(SpecNode options, CsvOptions csv, String delimiter) {
        if (delimiter.length() != 1) {
            throw options.error(SpecKeys.DELIMITER.name(), "a CSV delimiter is one character, not '" + delimiter + "'");
        }
        if (delimiter.charAt(0) == csv.quote()) {
            throw options.error(SpecKeys.QUOTE.name(), "the quote must differ from the delimiter");
        }
        java.nio.charset.Charset charset;
        try {
            charset = csv.charset();
        } catch (IllegalArgumentException e) {
            throw options.error(SpecKeys.ENCODING.name(), "unknown character set '" + csv.encoding() + "'");
        }
        // Records are split at newline bytes before decoding, which needs ASCII at the ASCII code points.
        String probe = "a,\"\n\r#";
        if (!new String(probe.getBytes(charset), java.nio.charset.StandardCharsets.ISO_8859_1).equals(probe)) {
            throw options.error(SpecKeys.ENCODING.name(), "'" + csv.encoding()
                    + "' is not ASCII-compatible (UTF-8, ISO-8859-1, windows-1252 and the like are)");
        }
    }

    private ColumnSpec bindColumn(SpecNode node) {
        node.allowOnly(SpecKeys.in(SpecKeys.COLUMN));
        String name = SpecKeys.COLUMN_NAME.read(node);
        if (!COLUMN_NAME.matcher(name).matches()) {
            throw node.error("name", "column name '" + name
                    + "' must be letters, digits and _ and start with a letter (names starting with _ are reserved)");
        }
        String typeText = SpecKeys.COLUMN_TYPE.read(node);
        ColumnType type = ColumnType.parse(typeText).orElseThrow(() -> node.error("type",
                "unknown type '" + typeText + "'; valid types: " + ColumnType.VALID));
        Standardize standardize = SpecKeys.STANDARDIZE.read(node);
        Pii pii = SpecKeys.PII.read(node);
        boolean text = type.kind() == ColumnType.Kind.STRING;
        if (standardize != Standardize.NONE && !text) {
            throw node.error("standardize", "only string columns can be standardized; '" + name + "' is " + type);
        }
        if (pii == Pii.MASK && !text) {
            throw node.error("pii", "only string columns can be masked; '" + name + "' is " + type + " (use hash)");
        }
        String from = Objects.requireNonNullElse(SpecKeys.FROM.read(node), name);
        if (from.isBlank()) {
            throw node.error(SpecKeys.FROM.name(), "the source field name must not be blank");
        }
        return new ColumnSpec(name, from, type, bindValueFormat(node, name, type), SpecKeys.REQUIRED.read(node),
                standardize, pii);
    }

    private static ValueFormat bindValueFormat(SpecNode node, String name, ColumnType type) {
        String pattern = SpecKeys.VALUE_FORMAT.read(node);
        String timezone = SpecKeys.TIMEZONE.read(node);
        List<String> trueValues = SpecKeys.TRUE_VALUES.read(node);
        List<String> falseValues = SpecKeys.FALSE_VALUES.read(node);
        boolean temporal = type.kind() == ColumnType.Kind.DATE || type.kind() == ColumnType.Kind.TIMESTAMP;
        if (pattern != null) {
            if (!temporal) {
                throw node.error(SpecKeys.VALUE_FORMAT.name(), "only date and timestamp columns take a format; '"
                        + name + "' is " + type);
            }
            try {
                ValueFormat.formatter(pattern);
            } catch (IllegalArgumentException e) {
                throw node.error(SpecKeys.VALUE_FORMAT.name(), "'" + pattern + "' is not a java.time pattern: "
                        + e.getMessage());
            }
        }
        if (timezone != null) {
            if (type.kind() != ColumnType.Kind.TIMESTAMP) {
                throw node.error(SpecKeys.TIMEZONE.name(), "only timestamp columns take a timezone; '" + name + "' is "
                        + type);
            }
            try {
                java.time.ZoneId.of(timezone);
            } catch (java.time.DateTimeException e) {
                throw node.error(SpecKeys.TIMEZONE.name(), "unknown time zone '" + timezone + "' (e.g. UTC, Europe/Paris)");
            }
        }
        if ((!trueValues.isEmpty() || !falseValues.isEmpty()) && type.kind() != ColumnType.Kind.BOOLEAN) {
            throw node.error(trueValues.isEmpty() ? SpecKeys.FALSE_VALUES.name() : SpecKeys.TRUE_VALUES.name(),
                    "only boolean columns take true_values and false_values; '" + name + "' is " + type);
        }
        ValueFormat format = new ValueFormat(pattern, timezone, trueValues, falseValues);
        List<String> both = new ArrayList<>(format.trueTexts());
        both.retainAll(format.falseTexts());
        if (!both.isEmpty()) {
            throw node.error(SpecKeys.TRUE_VALUES.name(), "these texts are both true and false: " + both);
        }
        return format;
    }

    private static CdcSpec bindCdc(SpecNode node, SourceSpec source) {
        if (!source.format().isJson()) {
            throw node.error("a change feed must be format jsonl or json, not " + source.format().specName());
        }
        node.allowOnly(SpecKeys.in(SpecKeys.CDC));
        return new CdcSpec(SpecKeys.CDC_OP.read(node), SpecKeys.CDC_SEQUENCE.read(node),
                SpecKeys.CDC_BEFORE.read(node), SpecKeys.CDC_AFTER.read(node));
    }

    static <E extends Enum<E>> E enumValue(SpecNode node, Class<E> type) {
        return Values.enumValue(node, type);
    }
}
