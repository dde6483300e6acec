package io.medallion.run;

import java.time.Duration;
import java.util.Map;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.message.StringMapMessage;

/**
 * Structured event lines on the {@code medallion.events} logger: one per table per job, plus
 * progress. They are map messages, so the text layout prints {@code key="value"} pairs and the
 * JSON layout ({@code --log-format json}) prints one JSON object per line.
 */
public final class EventLog {
    private static final Logger EVENTS = LogManager.getLogger("medallion.events");

    private final String runId;
    private final String job;

    public EventLog(String runId, String job) {
        this.runId = runId;
        this.job = job;
    }

    private StringMapMessage base(String event) {
        return new StringMapMessage().with("event", event).with("run_id", runId).with("job", job);
    }

    /** The one event a job's work on a table produces. */
    public void table(TableOutcome outcome, Duration elapsed) {
        StringMapMessage m = base("table_finished")
                .with("table", outcome.table())
                .with("status", outcome.status().ledgerName())
                .with("rows_read", outcome.rowsRead())
                .with("rows_written", outcome.rowsWritten())
                .with("rows_quarantined", outcome.rowsQuarantined())
                .with("duplicates_dropped", outcome.duplicatesDropped())
                .with("files_added", outcome.filesAdded())
                .with("files_removed", outcome.filesRemoved())
                .with("elapsed_ms", elapsed.toMillis());
        outcome.metrics().forEach(m::with);
        if (outcome.message() != null) {
            m.with("message", outcome.message());
        }
        if (outcome.status() == TableStatus.SUCCEEDED) {
            EVENTS.info(m);
        } else {
            EVENTS.error(m);
        }
    }

    /** Progress or a notable decision while a job works. */
    public void note(String event, Map<String, ?> fields) {
        StringMapMessage m = base(event);
        fields.forEach((k, v) -> m.with(k, String.valueOf(v)));
        EVENTS.info(m);
    }
}
