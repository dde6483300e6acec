package io.medallion.config;

import java.util.Objects;

/**
 * Where OpenLineage events go ({@code lineage}): the Spark integration's listener reports each
 * job's Delta reads and writes, and medallion reports its own job runs, both through one transport.
 *
 * @param transport console (the driver's log), file (one JSON event per line) or http
 * @param location the file, for {@code file}
 * @param url the OpenLineage endpoint's base URL, for {@code http} (events go to {@code /api/v1/lineage})
 * @param namespace the namespace of medallion's jobs and of the Spark integration's
 */
public record LineageSpec(Transport transport, String location, String url, String namespace) {
    /** How events are delivered. */
    public enum Transport {
        CONSOLE, FILE, HTTP
    }

    public LineageSpec {
        Objects.requireNonNull(transport, "transport");
        Objects.requireNonNull(namespace, "namespace");
    }
}
