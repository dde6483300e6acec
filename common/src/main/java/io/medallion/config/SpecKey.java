package io.medallion.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.medallion.lake.Layer;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One key of the pipeline spec: where it sits, what it takes, its default and one line of help,
 * with the parser that reads and validates its value. Declared once, in {@link SpecKeys}; the
 * binders read values through it and the reference ({@code medallion config --keys}) is printed
 * from it.
 *
 * @param section the path of the mapping the key sits in, with placeholders for names the user
 *     chooses ({@code tables.<table>.source}); empty for the top level
 * @param name the key itself
 * @param type what the value is, for the reference
 * @param defaultText the default as a user would write it; {@code null} for a required key, empty
 *     when absence means none
 * @param help one line for the reference
 */
public record SpecKey<T>(String section, String name, String type, String defaultText, String help,
                         Function<SpecNode, T> parser, T defaultValue, Map<Layer, String> layerDefaults) {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public SpecKey {
        layerDefaults = layerDefaults.isEmpty() ? Map.of() : Map.copyOf(new EnumMap<>(layerDefaults));
    }

    static <T> SpecKey<T> of(String section, String name, String type, String defaultText, String help,
                             Function<SpecNode, T> parser) {
        T value = defaultText == null || defaultText.isEmpty() ? null : parser.apply(literal(section, name, defaultText));
        return new SpecKey<>(section, name, type, defaultText, help, parser, value, Map.of());
    }

    /** A key whose value is a mapping, list or free value read by its binder, or absent when the default is empty. */
    static <T> SpecKey<T> optional(String section, String name, String type, String help,
                                   Function<SpecNode, T> parser, T absent) {
        return new SpecKey<>(section, name, type, "", help, parser, absent, Map.of());
    }

    /** The same key with another default in one layer (maintenance settings). */
    SpecKey<T> withDefault(Layer layer, String text) {
        Map<Layer, String> defaults = new EnumMap<>(Layer.class);
        defaults.putAll(layerDefaults);
        defaults.put(layer, text);
        parser.apply(literal(section, name, text));
        return new SpecKey<>(section, name, type, defaultText, help, parser, defaultValue, defaults);
    }

    /** {@code section.name}, as the reference and error messages write it. */
    public String path() {
        return section.isEmpty() ? name : section + "." + name;
    }

    public boolean required() {
        return defaultText == null;
    }

    /** The value in {@code node}, or the default; fails naming the key when a required key is missing. */
    public T read(SpecNode node) {
        if (node.has(name)) {
            return parser.apply(node.get(name));
        }
        if (required()) {
            throw node.error(name, "required key is missing (" + help + ")");
        }
        return defaultValue;
    }

    /** The value in {@code node}, when it is there. */
    public Optional<T> find(SpecNode node) {
        return node.has(name) ? Optional.of(parser.apply(node.get(name))) : Optional.empty();
    }

    /** The default in {@code layer}. */
    public T defaultIn(Layer layer) {
        String text = layerDefaults.get(layer);
        return text == null ? defaultValue : parser.apply(literal(section, name, text));
    }

    /** The default as the reference prints it. */
    public String defaultShown() {
        if (defaultText == null) {
            return "required";
        }
        StringBuilder shown = new StringBuilder(defaultText.isEmpty() ? "none" : defaultText);
        layerDefaults.forEach((layer, text) -> shown.append("; ").append(layer).append(": ").append(text));
        return shown.toString();
    }

    /** A default as the spec would hold it: text, or a list when written as one ({@code [a, b]}). */
    private static SpecNode literal(String section, String name, String text) {
        JsonNode value = new TextNode(text);
        if (text.startsWith("[")) {
            try {
                value = YAML.readTree(text);
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("the default of " + name + " is not a YAML list: " + text, e);
            }
        }
        return new SpecNode(path -> "the default of " + name, section.isEmpty() ? name : section + "." + name,
                value, new java.util.ArrayList<>());
    }
}
