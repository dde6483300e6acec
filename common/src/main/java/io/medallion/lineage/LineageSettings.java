package io.medallion.lineage;

import io.medallion.config.LineageSpec;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The Spark settings that turn on OpenLineage's Spark integration for a spec's {@code lineage}
 * section: its listener in {@code spark.extraListeners}, and a {@code transform} transport that
 * hands each event to {@link MedallionParent} before the chosen transport sends it. They are
 * session settings, so {@code medallion-submit} and the local launcher carry them alike.
 */
public final class LineageSettings {
    static final String LISTENER = "io.openlineage.spark.agent.OpenLineageSparkListener";
    private static final String PREFIX = "spark.openlineage.";
    /** Settings an orchestrator passes (--conf) to name the run a medallion command runs for. */
    public static final String PARENT_RUN_ID = PREFIX + "parentRunId";
    public static final String PARENT_JOB_NAME = PREFIX + "parentJobName";
    public static final String PARENT_JOB_NAMESPACE = PREFIX + "parentJobNamespace";

    private LineageSettings() {
    }

    public static Map<String, String> of(LineageSpec lineage) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.extraListeners", LISTENER);
        conf.put(PREFIX + "namespace", lineage.namespace());
        conf.put(PREFIX + "transport.type", "transform");
        conf.put(PREFIX + "transport.transformClass", MedallionParent.class.getName());
        String inner = PREFIX + "transport.transport.";
        conf.put(inner + "type", lineage.transport().name().toLowerCase(Locale.ROOT));
        switch (lineage.transport()) {
            case FILE -> conf.put(inner + "location", lineage.location());
            case HTTP -> conf.put(inner + "url", lineage.url());
            case CONSOLE -> { }
        }
        return conf;
    }

    /**
     * The spec's own Spark settings over the lineage ones; a listener the spec names as well is
     * kept beside OpenLineage's.
     */
    public static Map<String, String> under(Map<String, String> specConf, LineageSpec lineage) {
        Map<String, String> conf = new LinkedHashMap<>(of(lineage));
        specConf.forEach((k, v) -> conf.merge(k, v, (ours, theirs) -> k.equals("spark.extraListeners")
                && !theirs.contains(LISTENER) ? ours + "," + theirs : theirs));
        return conf;
    }
}
