package io.medallion.jobs.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.medallion.config.OperationsSpec;
import io.medallion.config.OperationsSpec.AlertOn;
import io.medallion.jobs.pipeline.PipelineRun;
import io.medallion.run.JobRunner;
import io.medallion.run.TableOutcome;
import io.medallion.run.TableStatus;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One small JSON message per pipeline run that went wrong in a way the spec's {@code alerts.on}
 * names, POSTed to the webhook: the run, its status, the report's path and one entry per problem
 * (kind, stage, table, message). A clean run sends nothing. Tries {@code attempts} times with a
 * doubling wait; an alert that cannot be sent is logged and never changes the run's exit code.
 * The webhook's URL is a secret: no log line names it.
 */
public final class Alerts {
    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
    private static final String FRESHNESS = "freshness: ";

    /** What went wrong, of one kind, on one table of one stage. */
    public record Problem(AlertOn kind, String stage, String table, String message) {
    }

    private final OperationsSpec.Alerts spec;

    public Alerts(OperationsSpec.Alerts spec) {
        this.spec = spec;
    }

    /** The problems of the run that the spec alerts on. */
    public List<Problem> problems(PipelineRun run) {
        List<Problem> problems = new ArrayList<>();
        for (JobRunner.Run s : run.stages()) {
            for (TableOutcome o : s.outcomes()) {
                if (o.status() == TableStatus.FAILED || o.status() == TableStatus.RUNNING) {
                    problems.add(new Problem(AlertOn.FAILURE, s.stage(), o.table(), String.valueOf(o.message())));
                } else if (o.status() == TableStatus.QUALITY_FAILED) {
                    // A quality outcome's message lists its failures, "; " between them.
                    for (String part : String.valueOf(o.message()).split("; ")) {
                        boolean stale = part.startsWith(FRESHNESS);
                        problems.add(new Problem(stale ? AlertOn.FRESHNESS : AlertOn.QUALITY, s.stage(), o.table(),
                                stale ? part.substring(FRESHNESS.length()) : part));
                    }
                }
            }
        }
        problems.removeIf(p -> !spec.on().contains(p.kind()));
        return problems;
    }

    /** The message for the run, or null when there is nothing to alert on. */
    String message(PipelineRun run, String report) {
        List<Problem> problems = problems(run);
        if (problems.isEmpty()) {
            return null;
        }
        ObjectMapper json = new ObjectMapper();
        ObjectNode m = json.createObjectNode().put("pipeline", run.pipeline()).put("run_id", run.runId())
                .put("run_dates", run.dates()).put("status", run.status()).put("exit_code", run.exitCode())
                .put("report", report);
        ArrayNode list = m.putArray("problems");
        for (Problem p : problems) {
            list.addObject().put("kind", p.kind().specName()).put("stage", p.stage()).put("table", p.table())
                    .put("message", p.message());
        }
        m.put("text", "medallion " + run.pipeline() + " " + run.dates() + ": " + run.status() + ", "
                + problems.size() + " problem(s), first: " + problems.get(0).table() + ": " + problems.get(0).message());
        return m.toString();
    }

    /** Sends the run's alert, if it has one; returns whether one was delivered. */
    public boolean send(PipelineRun run, String report) {
        String body = message(run, report);
        if (body == null || !spec.enabled()) {
            return false;
        }
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create(spec.webhook())).timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        Duration wait = spec.backoff();
        for (int attempt = 1; attempt <= spec.attempts(); attempt++) {
            String problem;
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() / 100 == 2) {
                    LOG.info("alert for run {} delivered (HTTP {})", run.runId(), response.statusCode());
                    return true;
                }
                problem = "HTTP " + response.statusCode();
            } catch (java.io.IOException e) {
                problem = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            LOG.warn("alert for run {}: attempt {} of {} failed ({})", run.runId(), attempt, spec.attempts(), problem);
            if (attempt < spec.attempts()) {
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
                wait = wait.multipliedBy(2);
            }
        }
        LOG.error("alert for run {} not delivered after {} attempt(s); the run's exit code stands", run.runId(),
                spec.attempts());
        return false;
    }
}
