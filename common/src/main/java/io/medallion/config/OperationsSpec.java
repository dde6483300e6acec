package io.medallion.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * What a pipeline run leaves for the people who operate it: its HTML report ({@code reports}),
 * a Prometheus textfile ({@code metrics}) and webhook alerts ({@code alerts}); and what every job
 * tells a lineage service ({@code lineage}).
 *
 * @param reportsRoot where run reports and their index are written
 * @param metricsDirectory node_exporter's textfile-collector folder; empty when no metrics are written
 * @param alerts where and when to alert
 * @param lineage where OpenLineage events go; empty when none are sent
 */
public record OperationsSpec(String reportsRoot, Optional<String> metricsDirectory, Alerts alerts,
                             Optional<LineageSpec> lineage) {
    public OperationsSpec {
        Objects.requireNonNull(reportsRoot, "reportsRoot");
        Objects.requireNonNull(metricsDirectory, "metricsDirectory");
        Objects.requireNonNull(alerts, "alerts");
        Objects.requireNonNull(lineage, "lineage");
    }

    /** What an alert is sent for. */
    public enum AlertOn {
        /** a stage exited 1 */
        FAILURE,
        /** a quality gate failed: a constraint, the quarantine rate or a fail rule (exit 3) */
        QUALITY,
        /** a table's data is past error_after */
        FRESHNESS;

        public String specName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * @param webhook the URL alerts are POSTed to, a secret; empty for none
     * @param on what is alerted on
     * @param attempts tries per alert before giving up (logged, never failing the run)
     * @param backoff the wait before the second try, doubled for each later one
     */
    public record Alerts(String webhook, Set<AlertOn> on, int attempts, Duration backoff) {
        public static final Alerts NONE = new Alerts("", Set.of(), 1, Duration.ZERO);

        public Alerts {
            Objects.requireNonNull(webhook, "webhook");
            on = Set.copyOf(on);
        }

        public boolean enabled() {
            return !webhook.isEmpty() && !on.isEmpty();
        }

        public static List<String> names() {
            return java.util.Arrays.stream(AlertOn.values()).map(AlertOn::specName).toList();
        }
    }
}
