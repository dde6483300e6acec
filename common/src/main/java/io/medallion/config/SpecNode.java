package io.medallion.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * A cursor over a parsed YAML tree that knows where it is. Every accessor that fails throws a
 * {@link SpecException} naming the file, the key path and the offending value, which is why the
 * spec is bound by hand instead of by reflection.
 */
public final class SpecNode {
    private final Function<String, String> origin;
    private final String path;
    private final JsonNode node;
    private final List<String> warnings;

    /**
     * @param origin which file a key path came from (the pipeline file or an overlay that set it)
     * @param warnings where the binders' warnings go, shared by every node of one spec
     */
    SpecNode(Function<String, String> origin, String path, JsonNode node, List<String> warnings) {
        this.origin = origin;
        this.path = path;
        this.node = node;
        this.warnings = warnings;
    }

    /** Records a warning about {@code key} of this mapping, naming its file and path. */
    public void warn(String key, String message) {
        warnings.add(origin.apply(child(key)) + ": " + child(key) + ": " + message);
    }

    public String path() {
        return path;
    }

    public String file() {
        return origin.apply(path);
    }

    public SpecException error(String problem) {
        return new SpecException(origin.apply(path), path, problem);
    }

    public SpecException error(String key, String problem) {
        return new SpecException(origin.apply(child(key)), child(key), problem);
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    /** Fails if this mapping has keys other than {@code allowed}; typos must not be ignored. */
    public SpecNode allowOnly(String... allowed) {
        requireObject();
        Set<String> known = new TreeSet<>(List.of(allowed));
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!known.contains(key)) {
                throw error(key, "unknown key '" + key + "'; valid keys here: "
                        + (known.isEmpty() ? "none" : String.join(", ", known)));
            }
        }
        return this;
    }

    private void requireObject() {
        if (!node.isObject()) {
            throw error("expected a mapping of keys to values, got " + describe(node));
        }
    }

    /** Whether YAML read the value as true or false, as it reads unquoted yes, no, on and off too. */
    public boolean isBoolean() {
        return node.isBoolean();
    }

    public boolean isList() {
        return node.isArray();
    }

    public boolean has(String key) {
        requireObject();
        JsonNode value = node.get(key);
        return value != null && !value.isNull();
    }

    public SpecNode get(String key) {
        requireObject();
        JsonNode value = node.get(key);
        if (value == null || value.isNull()) {
            throw error(key, "required key is missing");
        }
        return new SpecNode(origin, child(key), value, warnings);
    }

    /** A single value that may be empty, such as a secret whose environment variable is unset. */
    public String asTextOrEmpty() {
        if (!node.isValueNode() || node.isNull()) {
            throw error("expected a single value, got " + describe(node));
        }
        return node.asText();
    }

    /** An empty mapping at {@code key}, for an optional section left out: its keys read as their defaults. */
    public SpecNode emptyChild(String key) {
        return new SpecNode(origin, child(key), com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode(),
                warnings);
    }

    public Optional<SpecNode> find(String key) {
        return has(key) ? Optional.of(get(key)) : Optional.empty();
    }

    public String asText() {
        String text = asTextOrEmpty();
        if (text.isBlank()) {
            throw error("must not be empty");
        }
        return text;
    }

    public String string(String key) {
        return get(key).asText();
    }

    public String string(String key, String defaultValue) {
        return has(key) ? string(key) : defaultValue;
    }

    public boolean bool(String key, boolean defaultValue) {
        if (!has(key)) {
            return defaultValue;
        }
        SpecNode value = get(key);
        String text = value.asText();
        if (node.get(key).isBoolean() || text.equals("true") || text.equals("false")) {
            return Boolean.parseBoolean(text);
        }
        throw value.error("expected true or false, got '" + text + "'");
    }

    /** A list of scalars; a single scalar is accepted as a one-element list. */
    public List<String> strings(String key) {
        if (!has(key)) {
            return List.of();
        }
        SpecNode value = get(key);
        if (value.node.isValueNode()) {
            return List.of(value.asText());
        }
        return value.list(SpecNode::asText);
    }

    public <T> List<T> list(Function<SpecNode, T> element) {
        if (!node.isArray()) {
            throw error("expected a list, got " + describe(node));
        }
        List<T> result = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            result.add(element.apply(new SpecNode(origin, path + "[" + i + "]", node.get(i), warnings)));
        }
        return List.copyOf(result);
    }

    /** A mapping whose keys are names chosen by the user (tables, options), in file order. */
    public <T> Map<String, T> map(Function<SpecNode, T> value) {
        requireObject();
        Map<String, T> result = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            result.put(entry.getKey(), value.apply(new SpecNode(origin, child(entry.getKey()), entry.getValue(), warnings)));
        }
        return java.util.Collections.unmodifiableMap(result);
    }

    public Map<String, String> stringMap(String key) {
        return has(key) ? get(key).asStringMap() : Map.of();
    }

    /** A mapping of names to single values. */
    public Map<String, String> asStringMap() {
        return map(v -> {
            if (!v.node.isValueNode()) {
                throw v.error("expected a single value, got " + describe(v.node));
            }
            return v.node.asText();
        });
    }

    private static String describe(JsonNode value) {
        if (value.isObject()) {
            return "a mapping";
        }
        if (value.isArray()) {
            return "a list";
        }
        if (value.isNull()) {
            return "nothing";
        }
        return "'" + value.asText() + "'";
    }
}
