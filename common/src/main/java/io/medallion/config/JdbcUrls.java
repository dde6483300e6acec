package io.medallion.config;

import java.net.URI;
import java.util.regex.Pattern;

/** Reads what a JDBC URL points at, without ever keeping what it may carry of credentials. */
public final class JdbcUrls {
    // user=, password= and any other secret-looking parameter, in the query string or after ';'.
    private static final Pattern CREDENTIALS = Pattern.compile(
            "(?i)(?<=[?&;])(user|password|[a-z]*secret[a-z]*|[a-z]*token[a-z]*)=[^&;]*[&;]?");

    private JdbcUrls() {
    }

    /** The URL with credential parameters and {@code user:password@} removed. */
    public static String withoutCredentials(String url) {
        String cleaned = CREDENTIALS.matcher(url).replaceAll("").replaceAll("[?&;]+$", "");
        return cleaned.replaceAll("//[^/@]*@", "//");
    }

    /** {@code host:port} of a URL such as {@code jdbc:postgresql://host:port/db}, for messages. */
    public static String hostAndPort(String url) {
        try {
            URI uri = URI.create(withoutCredentials(url).replaceFirst("^jdbc:", ""));
            if (uri.getHost() != null) {
                return uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
            }
        } catch (IllegalArgumentException e) {
            // not a hierarchical URL: name it whole
        }
        return withoutCredentials(url);
    }
}
