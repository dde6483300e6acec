package io.medallion.config;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${NAME}} and {@code ${NAME:-default}} in spec values with the environment's
 * values, so secrets and machine-specific paths never have to live in a file.
 */
final class EnvSubstitution {
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:-([^}]*))?}");

    private final Map<String, String> environment;

    EnvSubstitution(Map<String, String> environment) {
        this.environment = environment;
    }

    /**
     * @throws IllegalArgumentException naming the variable when it is unset and has no default
     */
    String apply(String text) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value = environment.get(name);
            if (value == null || value.isEmpty()) {
                if (m.group(2) == null) {
                    throw new IllegalArgumentException("environment variable " + name
                            + " is not set and has no default (write ${" + name + ":-default} to give one)");
                }
                value = m.group(3);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
