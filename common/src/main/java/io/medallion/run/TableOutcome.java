package io.medallion.run;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** What a job did to one table: the figures that go to the ledger and the event log. */
public record TableOutcome(String table, TableStatus status, long rowsRead, long rowsWritten,
                           long rowsQuarantined, long duplicatesDropped, long filesAdded, long filesRemoved,
                           Map<String, String> metrics, String message) {
    public TableOutcome {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(status, "status");
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    }

    public static Builder builder(String table) {
        return new Builder(table);
    }

    public static TableOutcome failed(String table, String message) {
        return builder(table).status(TableStatus.FAILED).message(message).build();
    }

    /** Collects figures while a job works on a table. */
    public static final class Builder {
        private final String table;
        private TableStatus status = TableStatus.SUCCEEDED;
        private long rowsRead;
        private long rowsWritten;
        private long rowsQuarantined;
        private long duplicatesDropped;
        private long filesAdded;
        private long filesRemoved;
        private final Map<String, String> metrics = new LinkedHashMap<>();
        private String message;

        private Builder(String table) {
            this.table = table;
        }

        public Builder status(TableStatus value) {
            status = value;
            return this;
        }

        public Builder rowsRead(long value) {
            rowsRead = value;
            return this;
        }

        public Builder rowsWritten(long value) {
            rowsWritten = value;
            return this;
        }

        public Builder rowsQuarantined(long value) {
            rowsQuarantined = value;
            return this;
        }

        public Builder duplicatesDropped(long value) {
            duplicatesDropped = value;
            return this;
        }

        public Builder filesAdded(long value) {
            filesAdded = value;
            return this;
        }

        public Builder filesRemoved(long value) {
            filesRemoved = value;
            return this;
        }

        public Builder metric(String name, Object value) {
            metrics.put(name, String.valueOf(value));
            return this;
        }

        public Builder message(String value) {
            message = value;
            return this;
        }

        public TableOutcome build() {
            return new TableOutcome(table, status, rowsRead, rowsWritten, rowsQuarantined, duplicatesDropped,
                    filesAdded, filesRemoved, metrics, message);
        }
    }
}
