package io.medallion.jobs.sample;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code manifest.json}: what the generator wrote, per table and batch: the clean rows, every
 * injected defect by kind, and the files. Tests and users check the pipeline against it.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public final class Manifest {
    @JsonProperty("scale")
    public double scale;
    @JsonProperty("seed")
    public long seed;
    /** The landing files' format: delimited, csv, json or parquet. */
    @JsonProperty("format")
    public String format = "delimited";
    @JsonProperty("batch_dates")
    public List<String> batchDates = new ArrayList<>();
    @JsonProperty("rates")
    public Map<String, Double> rates = new TreeMap<>();
    @JsonProperty("tables")
    public Map<String, TableEntry> tables = new LinkedHashMap<>();

    /** Reads {@code manifest.json} from the landing zone. */
    public static Manifest read(org.apache.hadoop.fs.FileSystem fs, org.apache.hadoop.fs.Path path)
            throws java.io.IOException {
        try (java.io.InputStream in = fs.open(path)) {
            return new com.fasterxml.jackson.databind.ObjectMapper().readValue(in, Manifest.class);
        }
    }

    /** One table. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class TableEntry {
        /** Rows of the clean TPC-H table (for customer: rows after applying the clean events). */
        @JsonProperty("clean_rows")
        public long cleanRows;
        @JsonProperty("batches")
        public Map<String, BatchEntry> batches = new TreeMap<>();

        BatchEntry batch(String date) {
            return batches.computeIfAbsent(date, d -> new BatchEntry());
        }
    }

    /** One table's batch. */
    @JsonInclude(JsonInclude.Include.NON_EMPTY)
    public static final class BatchEntry {
        /** Every line written for this batch: clean rows plus the defects that add a line. */
        @JsonProperty("lines")
        public long lines;
        /** Lines that are clean rows (for customer: clean change events). */
        @JsonProperty("clean_rows")
        public long cleanRows;
        @JsonProperty("defects")
        public Map<String, Long> defects = new TreeMap<>();
        /** Change feeds only: clean events by operation, and how many arrived after a newer event for their key. */
        @JsonProperty("events")
        public Map<String, Long> events = new TreeMap<>();
        @JsonProperty("files")
        public List<String> files = new ArrayList<>();

        void count(Defect defect) {
            defects.merge(defect.key(), 1L, Long::sum);
        }

        void event(String kind) {
            events.merge(kind, 1L, Long::sum);
        }
    }
}
