package io.medallion.lineage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openlineage.client.OpenLineage;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.transports.EventTransformer;

/**
 * Makes the medallion job run that is running the parent of each event the Spark integration
 * sends, and adds the {@code medallion} run facet naming it. The listener knows only the Spark
 * application (one session runs every stage of a pipeline), so without this every event's parent
 * would be the application. The root is left as the integration set it: the orchestrator's run
 * when one was given ({@code spark.openlineage.parentRunId}). Events outside any job run (session
 * start and end, a pipeline's own bookkeeping) pass unchanged.
 */
public final class MedallionParent implements EventTransformer {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public OpenLineage.RunEvent transform(OpenLineage.RunEvent event) {
        JobLineage.Running run = JobLineage.running();
        if (run == null) {
            return event;
        }
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(OpenLineageClientUtils.toJson(event));
            ObjectNode facets = json.withObject("/run").withObject("/facets");
            JsonNode root = facets.path("parent").path("root");
            facets.set("parent", run.parentFacetOfItsWork(root.isMissingNode() ? null : root));
            facets.set("medallion", run.facet(null));
            return OpenLineageClientUtils.runEventFromJson(JSON.writeValueAsString(json));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
