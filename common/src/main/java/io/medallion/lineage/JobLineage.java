package io.medallion.lineage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.medallion.config.LineageSpec;
import io.medallion.config.PipelineSpec;
import io.medallion.run.Job;
import io.medallion.run.JobContext;
import io.medallion.run.JobDatasets;
import io.medallion.run.TableOutcome;
import io.openlineage.client.OpenLineageClient;
import io.openlineage.client.OpenLineageClientUtils;
import io.openlineage.client.transports.ConsoleTransport;
import io.openlineage.client.transports.FileConfig;
import io.openlineage.client.transports.FileTransport;
import io.openlineage.client.transports.HttpConfig;
import io.openlineage.client.transports.HttpTransport;
import io.openlineage.client.transports.Transport;
import io.openlineage.client.utils.DatasetIdentifier;
import io.openlineage.client.utils.filesystem.FilesystemDatasetUtils;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OpenLineage events for one medallion job run: START when it begins, then COMPLETE or FAIL with
 * the {@code medallion} run facet holding each table's row accounting. While it runs, the Spark
 * integration's events for its queries get it as their parent ({@link MedallionParent}); at its end
 * the listener bus is drained first, so that none of its queries' events is left to be taken for
 * the next job's. Its own parent is the orchestrator's run, when one was given
 * ({@code spark.openlineage.parentRunId}, {@code parentJobName}, {@code parentJobNamespace}).
 * Sending is best effort: a lineage service that is down is logged and never fails a job.
 */
public final class JobLineage {
    private static final Logger LOG = LoggerFactory.getLogger(JobLineage.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String PRODUCER = "urn:medallion";
    private static final String RUN_EVENT_SCHEMA = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent";
    private static final String PARENT_SCHEMA = "https://openlineage.io/spec/facets/1-1-0/ParentRunFacet.json#/$defs/ParentRunFacet";
    /** The medallion facet's schema: the README ("What feeds what?") describes its fields. */
    static final String FACET_SCHEMA = "urn:medallion:facets:MedallionRunFacet:1";
    private static final Map<LineageSpec, OpenLineageClient> CLIENTS = new ConcurrentHashMap<>();
    private static final JobLineage NONE = new JobLineage(null, null, null, JobDatasets.NONE);

    private static volatile Running running;

    private final OpenLineageClient client;
    private final Running run;
    private final SparkSession spark;
    private final JobDatasets datasets;

    private JobLineage(OpenLineageClient client, Running run, SparkSession spark, JobDatasets datasets) {
        this.client = client;
        this.run = run;
        this.spark = spark;
        this.datasets = datasets;
    }

    /**
     * One job run as lineage names it: a run id OpenLineage accepts (a UUID derived from
     * medallion's run id, so the same run always has the same one), and the job
     * {@code <pipeline>.<job>} in the spec's namespace.
     */
    record Running(UUID runId, String medallionRunId, String namespace, String pipeline, String job,
                   String stage, LocalDate runDate, ObjectNode orchestratorParent) {
        String jobName() {
            return pipeline + "." + job;
        }

        /** The parent facet of the Spark integration's events for this run's queries. */
        ObjectNode parentFacetOfItsWork(com.fasterxml.jackson.databind.JsonNode root) {
            ObjectNode parent = facetHeader(PARENT_SCHEMA);
            parent.putObject("run").put("runId", runId.toString());
            parent.putObject("job").put("namespace", namespace).put("name", jobName());
            if (root != null) {
                parent.set("root", root);
            }
            return parent;
        }

        /** The {@code medallion} run facet: which run, job and date; with each table's accounting when given. */
        ObjectNode facet(List<TableOutcome> outcomes) {
            ObjectNode facet = facetHeader(FACET_SCHEMA);
            facet.put("run_id", medallionRunId).put("pipeline", pipeline).put("job", job).put("stage", stage)
                    .put("run_date", runDate.toString());
            if (outcomes != null) {
                var tables = facet.putArray("tables");
                for (TableOutcome o : outcomes) {
                    ObjectNode t = tables.addObject().put("table", o.table())
                            .put("status", o.status().name().toLowerCase(java.util.Locale.ROOT))
                            .put("rows_read", o.rowsRead()).put("rows_written", o.rowsWritten())
                            .put("rows_quarantined", o.rowsQuarantined())
                            .put("duplicates_dropped", o.duplicatesDropped());
                    if (o.message() != null) {
                        t.put("message", o.message());
                    }
                }
            }
            return facet;
        }
    }

    /** The job run now running, whose work the Spark integration's events are part of; null between runs. */
    static Running running() {
        return running;
    }

    /**
     * Starts a job run's lineage: a START event, and its queries' events parented to it. No-op
     * without {@code lineage}, and when lineage cannot start (logged): it never fails a job.
     * What the job says it reads and writes ({@link Job#datasets}) is each event's inputs and outputs.
     */
    public static JobLineage start(JobContext context, Job job) {
        PipelineSpec spec = context.spec();
        if (spec.operations().lineage().isEmpty()) {
            return NONE;
        }
        try {
            LineageSpec lineage = spec.operations().lineage().get();
            String runId = context.runId();
            Running run = new Running(UUID.nameUUIDFromBytes(runId.getBytes(StandardCharsets.UTF_8)), runId,
                    lineage.namespace(), spec.name(), job.name(), job.stage(), context.runDate(),
                    orchestratorParent(context.spark()));
            JobLineage started = new JobLineage(CLIENTS.computeIfAbsent(lineage, JobLineage::client), run,
                    context.spark(), job.datasets(context));
            started.send("START", context.startedAt(), null, null);
            running = run;
            return started;
        } catch (RuntimeException e) {
            LOG.warn("lineage: not sent for run {}: {}", context.runId(), e.toString());
            return NONE;
        }
    }

    /** Ends the run's lineage: COMPLETE when it exited 0, else FAIL (a failed quality gate too), with the accounting. */
    public void end(int exitCode, List<TableOutcome> outcomes, Instant endedAt, String failure) {
        if (run == null) {
            return;
        }
        try {
            spark.sparkContext().listenerBus().waitUntilEmpty(60_000);
        } catch (TimeoutException e) {
            LOG.warn("lineage: Spark's listener bus did not drain in 60 s; later events of run {} may lack it as parent",
                    run.medallionRunId());
        } finally {
            running = null;
        }
        send(exitCode == 0 ? "COMPLETE" : "FAIL", endedAt, outcomes, failure);
    }

    private void send(String type, Instant at, List<TableOutcome> outcomes, String failure) {
        ObjectNode event = JSON.createObjectNode();
        event.put("eventType", type).put("eventTime", at.toString()).put("producer", PRODUCER)
                .put("schemaURL", RUN_EVENT_SCHEMA);
        ObjectNode runNode = event.putObject("run").put("runId", run.runId().toString());
        ObjectNode facets = runNode.putObject("facets");
        facets.set("medallion", run.facet(outcomes));
        if (run.orchestratorParent() != null) {
            facets.set("parent", run.orchestratorParent());
        }
        if (failure != null) {
            facets.set("errorMessage", facetHeader("https://openlineage.io/spec/facets/1-0-1/ErrorMessageRunFacet.json"
                    + "#/$defs/ErrorMessageRunFacet").put("message", failure).put("programmingLanguage", "JAVA"));
        }
        ObjectNode jobNode = event.putObject("job").put("namespace", run.namespace()).put("name", run.jobName());
        jobNode.putObject("facets").set("jobType", facetHeader("https://openlineage.io/spec/facets/2-0-3/JobTypeJobFacet.json"
                + "#/$defs/JobTypeJobFacet").put("processingType", "BATCH").put("integration", "MEDALLION")
                .put("jobType", "JOB"));
        ArrayNode inputs = event.putArray("inputs");
        datasets.inputs().forEach(location -> dataset(inputs, location));
        ArrayNode outputs = event.putArray("outputs");
        datasets.outputs().forEach(location -> dataset(outputs, location));
        try {
            client.emit(OpenLineageClientUtils.runEventFromJson(JSON.writeValueAsString(event)));
        } catch (Exception e) {
            LOG.warn("lineage: could not send the {} event of run {}: {}", type, run.medallionRunId(), e.toString());
        }
    }

    /** A location named as the Spark integration names it (namespace {@code file}, {@code s3://bucket} ...). */
    private static void dataset(ArrayNode list, String location) {
        DatasetIdentifier id = FilesystemDatasetUtils.fromLocation(URI.create(location));
        list.addObject().put("namespace", id.getNamespace()).put("name", id.getName());
    }

    private static ObjectNode facetHeader(String schema) {
        return JSON.createObjectNode().put("_producer", PRODUCER).put("_schemaURL", schema);
    }

    /** The orchestrator's run given with --conf spark.openlineage.parent*, as a parent facet; null when none. */
    private static ObjectNode orchestratorParent(SparkSession spark) {
        // The session's settings hold the --conf ones, and a test can set them on a running session.
        String runId = spark.conf().get(LineageSettings.PARENT_RUN_ID, null);
        String jobName = spark.conf().get(LineageSettings.PARENT_JOB_NAME, null);
        if (runId == null || jobName == null) {
            return null;
        }
        ObjectNode run = JSON.createObjectNode().put("runId", runId);
        ObjectNode job = JSON.createObjectNode()
                .put("namespace", spark.conf().get(LineageSettings.PARENT_JOB_NAMESPACE, "default")).put("name", jobName);
        ObjectNode parent = facetHeader(PARENT_SCHEMA);
        parent.set("run", run);
        parent.set("job", job);
        parent.putObject("root").<ObjectNode>set("run", run.deepCopy()).set("job", job.deepCopy());
        return parent;
    }

    private static OpenLineageClient client(LineageSpec lineage) {
        Transport transport = switch (lineage.transport()) {
            case CONSOLE -> new ConsoleTransport();
            case FILE -> new FileTransport(new FileConfig(lineage.location()));
            case HTTP -> {
                HttpConfig http = new HttpConfig();
                http.setUrl(URI.create(lineage.url()));
                yield new HttpTransport(http);
            }
        };
        return new OpenLineageClient(transport);
    }
}
