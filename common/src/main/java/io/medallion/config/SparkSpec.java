package io.medallion.config;

import java.util.Map;
import java.util.Objects;

/** Session settings: the profile, and Spark conf entries that the spec or an env overlay adds. */
public record SparkSpec(SparkProfile profile, Map<String, String> conf) {

    public SparkSpec {
        Objects.requireNonNull(profile, "profile");
        conf = Map.copyOf(conf);
    }
}
