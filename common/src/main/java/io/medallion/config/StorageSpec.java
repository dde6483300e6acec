package io.medallion.config;

import java.util.Objects;

/**
 * Where the lake and the landing zone live, as URIs ({@code file:/…}, {@code s3a://…}).
 * Relative paths in the spec are resolved against the working directory at load time.
 */
public record StorageSpec(String lakeRoot, String landingRoot) {
    public StorageSpec {
        Objects.requireNonNull(lakeRoot, "lakeRoot");
        Objects.requireNonNull(landingRoot, "landingRoot");
    }
}
