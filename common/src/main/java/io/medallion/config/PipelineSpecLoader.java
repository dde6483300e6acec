package io.medallion.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.medallion.lake.BronzeColumns;
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
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Loads a pipeline spec: reads the YAML file, merges the env overlay
 * ({@code conf/env/<name>.yaml} next to the pipelines folder, or a path), substitutes
 * {@code ${ENV:-default}} references, and binds the result to validated records. Every failure is
 * a {@link SpecException} naming the file and key path; nothing here starts Spark.
 */
public final class PipelineSpecLoader {
    public static final String DEFAULT_PIPELINE = "conf/pipelines/tpch.yaml";
    public static final String DEFAULT_ENV = "local";

    private static final Pattern TABLE_NAME = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern COLUMN_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
    private static final Pattern URI_SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]+:.*");

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
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
        return bind(new SpecNode(resolved.origin(), "", resolved.root()), pipelineFile.toString());
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
                mergeOverlay(object, overlayFile(pipelineFile, name.strip()), name.strip(), overlayPaths);
            }
        }
        Function<String, String> origin = path -> originOf(path, overlayPaths, pipelineLabel);
        substitute(root, "", origin);
        return new Resolved(root, origin);
    }

    private void mergeOverlay(ObjectNode root, Path overlayFile, String env, Map<String, String> overlayPaths) {
        if (!Files.isRegularFile(overlayFile)) {
            throw new SpecException(overlayFile.toString(), "",
                    "env overlay '" + env + "' not found (--env takes names under " + overlayFile.getParent()
                            + " or paths to .yaml files, comma-separated)");
        }
        JsonNode overlay = read(overlayFile, overlayFile.toString());
        if (!overlay.isNull() && !overlay.isMissingNode()) {
            if (!overlay.isObject()) {
                throw new SpecException(overlayFile.toString(), "", "an overlay must be a mapping of keys");
            }
            merge(root, (ObjectNode) overlay, "", overlayFile.toString(), overlayPaths);
        }
    }

    static Path overlayFile(Path pipelineFile, String env) {
        if (env.endsWith(".yaml") || env.endsWith(".yml")) {
            return Path.of(env);
        }
        Path pipelinesDir = pipelineFile.toAbsolutePath().getParent();
        Path confDir = pipelinesDir.getParent() == null ? pipelinesDir : pipelinesDir.getParent();
        Path candidate = confDir.resolve("env").resolve(env + ".yaml");
        // Show the path as the user would write it when it is under the working directory.
        Path cwd = Path.of("").toAbsolutePath();
        return candidate.startsWith(cwd) ? cwd.relativize(candidate) : candidate;
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

    private PipelineSpec bind(SpecNode root, String pipelineLabel) {
        root.allowOnly("pipeline", "description", "storage", "spark", "privacy", "tables", "gold", "quality",
                "maintenance");
        String defaultName = Path.of(pipelineLabel).getFileName().toString().replaceFirst("\\.ya?ml$", "");
        String name = root.string("pipeline", defaultName);
        StorageSpec storage = bindStorage(root.get("storage"));
        SparkSpec spark = root.find("spark").map(this::bindSpark)
                .orElse(new SparkSpec(SparkSpec.DEFAULT_PROFILE, Map.of()));
        String piiSalt = root.find("privacy").map(p -> {
            p.allowOnly("pii_salt");
            return p.find("pii_salt").map(SpecNode::asTextOrEmpty).orElse("");
        }).orElse("");
        SpecNode tablesNode = root.get("tables");
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
        Map<String, GoldModelSpec> gold = root.find("gold")
                .map(g -> GoldBinder.bind(g, specDirectory, tables.values())).orElse(Map.of());
        Map<String, List<ConstraintSpec>> quality = root.find("quality")
                .map(q -> QualityBinder.bind(q, tables.values(), gold.keySet())).orElse(Map.of());
        Map<String, MaintenanceSpec> maintenance = MaintenanceBinder.bind(root.find("maintenance"),
                storage.lakeRoot(), tables.values(), gold.keySet());
        return new PipelineSpec(name, pipelineLabel, storage, spark, piiSalt, tables, gold, quality, maintenance,
                root.has("maintenance"));
    }

    private StorageSpec bindStorage(SpecNode node) {
        node.allowOnly("lake_root", "landing_root");
        return new StorageSpec(resolveLocation(node.string("lake_root")), resolveLocation(node.string("landing_root")));
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
        node.allowOnly("profile", "conf");
        SparkProfile profile = SparkSpec.DEFAULT_PROFILE;
        if (node.has("profile")) {
            SpecNode p = node.get("profile");
            profile = enumValue(p, SparkProfile.class);
        }
        return new SparkSpec(profile, node.stringMap("conf"));
    }

    private TableSpec bindTable(String name, SpecNode node) {
        node.allowOnly("description", "source", "schema", "key", "latest_by", "partition_by", "cdc", "rules",
                "quarantine");
        SourceSpec source = bindSource(node.get("source"));
        SpecNode schemaNode = node.get("schema");
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

        Optional<CdcSpec> cdc = node.find("cdc").map(c -> bindCdc(c, source));
        List<String> key = checkColumns(node, "key", columns, Set.of());
        if (cdc.isPresent() && key.isEmpty()) {
            throw node.error("key", "a change feed (cdc) needs a key to apply its events to");
        }
        Set<String> orderable = new HashSet<>(BronzeColumns.ALL);
        cdc.ifPresent(c -> orderable.add(c.sequenceField()));
        List<String> latestBy = checkColumns(node, "latest_by", columns, orderable);
        List<String> partitionBy = checkColumns(node, "partition_by", columns, Set.of());
        Map<String, ColumnSpec> byName = new LinkedHashMap<>();
        schema.forEach(c -> byName.put(c.name(), c));
        List<RuleSpec> rules = node.has("rules") ? node.get("rules").list(r -> RuleBinder.bind(r, byName)) : List.of();
        Set<String> ruleNames = new HashSet<>();
        for (int i = 0; i < rules.size(); i++) {
            if (!ruleNames.add(rules.get(i).name())) {
                throw new SpecException(node.file(), node.path() + ".rules[" + i + "].name",
                        "rule '" + rules.get(i).name() + "' is declared twice in this table");
            }
        }
        double maxRate = TableSpec.DEFAULT_MAX_QUARANTINE_RATE;
        if (node.has("quarantine")) {
            SpecNode q = node.get("quarantine").allowOnly("max_rate");
            if (q.has("max_rate")) {
                maxRate = RuleBinder.fraction(q.get("max_rate"));
            }
        }
        return new TableSpec(name, source, schema, key, latestBy, partitionBy, cdc, rules, maxRate);
    }

    private static List<String> checkColumns(SpecNode table, String key, Set<String> columns, Set<String> alsoAllowed) {
        List<String> names = table.strings(key);
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

    private SourceSpec bindSource(SpecNode node) {
        node.allowOnly("format", "path", "glob", "options");
        SourceFormat format = enumValue(node.get("format"), SourceFormat.class);
        String path = node.string("path");
        String glob = node.string("glob", SourceSpec.DEFAULT_GLOB);
        String delimiter = SourceSpec.DEFAULT_DELIMITER;
        boolean trailing = SourceSpec.DEFAULT_TRAILING_DELIMITER;
        if (node.has("options")) {
            SpecNode options = node.get("options");
            if (format == SourceFormat.DELIMITED) {
                options.allowOnly("delimiter", "trailing_delimiter");
                delimiter = options.string("delimiter", delimiter);
                trailing = options.bool("trailing_delimiter", trailing);
            } else {
                options.allowOnly();
            }
        }
        return new SourceSpec(format, path, glob, delimiter, trailing);
    }

    private ColumnSpec bindColumn(SpecNode node) {
        node.allowOnly("name", "type", "required", "standardize", "pii", "description");
        String name = node.string("name");
        if (!COLUMN_NAME.matcher(name).matches()) {
            throw node.error("name", "column name '" + name
                    + "' must be letters, digits and _ and start with a letter (names starting with _ are reserved)");
        }
        String typeText = node.string("type");
        ColumnType type = ColumnType.parse(typeText).orElseThrow(() -> node.error("type",
                "unknown type '" + typeText + "'; valid types: " + ColumnType.VALID));
        Standardize standardize = node.has("standardize") ? enumValue(node.get("standardize"), Standardize.class)
                : Standardize.NONE;
        Pii pii = node.has("pii") ? enumValue(node.get("pii"), Pii.class) : Pii.NONE;
        boolean text = type.kind() == ColumnType.Kind.STRING;
        if (standardize != Standardize.NONE && !text) {
            throw node.error("standardize", "only string columns can be standardized; '" + name + "' is " + type);
        }
        if (pii == Pii.MASK && !text) {
            throw node.error("pii", "only string columns can be masked; '" + name + "' is " + type + " (use hash)");
        }
        return new ColumnSpec(name, type, node.bool("required", false), standardize, pii);
    }

    private static CdcSpec bindCdc(SpecNode node, SourceSpec source) {
        if (source.format() != SourceFormat.JSONL) {
            throw node.error("a change feed must be format jsonl, not " + source.format().specName());
        }
        node.allowOnly("op", "sequence", "before", "after");
        return new CdcSpec(node.string("op", CdcSpec.DEFAULT_OP), node.string("sequence", CdcSpec.DEFAULT_SEQUENCE),
                node.string("before", CdcSpec.DEFAULT_BEFORE), node.string("after", CdcSpec.DEFAULT_AFTER));
    }

    static <E extends Enum<E>> E enumValue(SpecNode node, Class<E> type) {
        String text = node.asText();
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(text)) {
                return e;
            }
        }
        List<String> valid = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            valid.add(e.name().toLowerCase(Locale.ROOT));
        }
        throw node.error("'" + text + "' is not one of: " + String.join(", ", valid));
    }
}
