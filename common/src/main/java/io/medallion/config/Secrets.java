package io.medallion.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which settings hold secrets, and their values masked for printing. The pattern is Spark's own
 * redaction pattern ({@code spark.redaction.regex}) plus the PII salt and the alert webhook (its URL
 * often holds a token), so a key Spark hides in its UI is hidden here too.
 */
public final class Secrets {
    public static final String MASK = "*****";
    private static final Pattern SECRET_KEY = Pattern.compile("(?i)secret|password|token|access[._-]?key|salt|webhook");

    private Secrets() {
    }

    /** Whether a setting of this name holds a secret (its value must never be printed). */
    public static boolean isSecret(String key) {
        return SECRET_KEY.matcher(key).find();
    }

    /** The value, or {@link #MASK} when the key names a secret and the value is not empty. */
    public static String masked(String key, String value) {
        return isSecret(key) && value != null && !value.isEmpty() ? MASK : value;
    }

    /** A copy of the settings with secret values masked. */
    public static Map<String, String> masked(Map<String, String> settings) {
        Map<String, String> copy = new LinkedHashMap<>();
        settings.forEach((k, v) -> copy.put(k, masked(k, v)));
        return copy;
    }

    /** A copy of a spec tree with the values of secret keys (at any depth) masked. */
    public static JsonNode masked(JsonNode node) {
        JsonNode copy = node.deepCopy();
        mask(copy);
        return copy;
    }

    private static void mask(JsonNode node) {
        if (node instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (isSecret(e.getKey()) && e.getValue().isValueNode() && !e.getValue().asText().isEmpty()) {
                    e.setValue(new TextNode(MASK));
                } else {
                    mask(e.getValue());
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(Secrets::mask);
        }
    }
}
