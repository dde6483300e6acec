package io.medallion.jobs.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.medallion.lake.TableRef;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.StructType;

/**
 * What one reconciliation of a database table with a lake table found: row counts, the column
 * aggregates that differ, and the keys missing from the lake, extra in it, or different, with a
 * sample of each. Rows above the last extract's high-water mark are pending: the lake cannot have
 * them yet, so they are left out of both sides and only counted.
 */
record Reconciliation(TableRef table, String source, String mode, long sourceRows, long lakeRows, long pending,
                      long missing, long extra, long different, int aggregatesCompared,
                      List<ColumnDifference> columnDifferences, Map<String, List<String>> samples,
                      double maxDiscrepancy, double seconds) {
    static final String MISSING = "missing";
    static final String EXTRA = "extra";
    static final String DIFFERENT = "different";
    private static final ObjectMapper JSON = new ObjectMapper();

    static final StructType SCHEMA = StructType.fromDDL(
            "table_name STRING NOT NULL, layer STRING NOT NULL, source STRING NOT NULL, mode STRING NOT NULL, "
            + "source_rows BIGINT NOT NULL, lake_rows BIGINT NOT NULL, pending_rows BIGINT NOT NULL, "
            + "missing_keys BIGINT NOT NULL, extra_keys BIGINT NOT NULL, different_keys BIGINT NOT NULL, "
            + "discrepancy DOUBLE NOT NULL, max_discrepancy DOUBLE NOT NULL, passed BOOLEAN NOT NULL, "
            + "aggregates_compared INT NOT NULL, column_differences STRING NOT NULL, sample_missing STRING NOT NULL, "
            + "sample_extra STRING NOT NULL, sample_different STRING NOT NULL, run_id STRING NOT NULL, "
            + "reconciled_at TIMESTAMP NOT NULL");

    /** One aggregate of one column that is not the same on both sides. */
    record ColumnDifference(String column, String aggregate, String source, String lake) {
    }

    Reconciliation {
        columnDifferences = List.copyOf(columnDifferences);
        samples = Map.copyOf(samples);
    }

    /** Keys missing, extra or different, as a share of the larger side's rows. */
    double discrepancy() {
        long differing = missing + extra + different;
        return differing == 0 ? 0 : (double) differing / Math.max(1, Math.max(sourceRows, lakeRows));
    }

    boolean passed() {
        return discrepancy() <= maxDiscrepancy;
    }

    List<String> sample(String kind) {
        return samples.getOrDefault(kind, List.of());
    }

    /** The result as a person reads it, one line each. */
    List<String> report() {
        List<String> lines = new ArrayList<>();
        lines.add(table + " against " + source + " (" + mode + "):");
        lines.add(String.format("  rows        source %,d, lake %,d%s", sourceRows, lakeRows, pending == 0 ? ""
                : String.format("; %,d pending (above the last extract's watermark), left out of both", pending)));
        lines.add(columnDifferences.isEmpty()
                ? "  aggregates  " + aggregatesCompared + " compared (count, min, max, sum, approx distinct per column): all equal"
                : "  aggregates  " + aggregatesCompared + " compared, " + columnDifferences.size() + " differ:");
        for (ColumnDifference d : columnDifferences) {
            lines.add("              " + d.column() + " " + d.aggregate() + ": source " + d.source() + ", lake " + d.lake());
        }
        lines.add(String.format("  keys        %,d missing from the lake, %,d extra in it, %,d different", missing, extra,
                different));
        for (String kind : List.of(MISSING, EXTRA, DIFFERENT)) {
            if (!sample(kind).isEmpty()) {
                lines.add("              " + kind + ": " + String.join(", ", sample(kind))
                        + (count(kind) > sample(kind).size() ? ", ..." : ""));
            }
        }
        lines.add(String.format("  result      discrepancy %.5f, tolerance %s: %s", discrepancy(),
                String.valueOf(maxDiscrepancy), passed() ? "passed" : "FAILED"));
        return lines;
    }

    private long count(String kind) {
        return switch (kind) {
            case MISSING -> missing;
            case EXTRA -> extra;
            default -> different;
        };
    }

    /** The ledger's one-line summary of a failed reconciliation. */
    String failure() {
        return String.format("%s: discrepancy %.5f above the tolerance %s: %d missing (%s), %d extra (%s), %d different (%s)",
                table, discrepancy(), maxDiscrepancy, missing, String.join(", ", sample(MISSING)), extra,
                String.join(", ", sample(EXTRA)), different, String.join(", ", sample(DIFFERENT)));
    }

    /** Its row in {@code ops.reconciliation}. */
    Row toRow(String runId, Instant at) {
        return RowFactory.create(table.name(), table.layer().specName(), source, mode, sourceRows, lakeRows, pending,
                missing, extra, different, discrepancy(), maxDiscrepancy, passed(), aggregatesCompared,
                json(columnDifferences), json(sample(MISSING)), json(sample(EXTRA)), json(sample(DIFFERENT)), runId,
                Timestamp.from(at));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
