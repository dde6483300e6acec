package io.medallion.lake;

import java.util.List;

/** The metadata columns every bronze row carries next to the data as it arrived. */
public final class BronzeColumns {
    public static final String INGEST_RUN_ID = "_ingest_run_id";
    public static final String INGESTED_AT = "_ingested_at";
    public static final String SOURCE_FILE = "_source_file";
    /** 1-based line number of the row in its source file. */
    public static final String SOURCE_LINE = "_source_line";
    public static final String BATCH_DATE = "_batch_date";
    /** The line's text when it did not parse; null for rows that parsed. */
    public static final String RAW = "_raw";
    /** Why the line did not parse; null for rows that parsed. */
    public static final String PARSE_ERROR = "_parse_error";

    /** JSON sources only: the undeclared top-level keys of the record, as a JSON object; null when none. */
    public static final String RESCUED = "_rescued";

    public static final List<String> ALL =
            List.of(INGEST_RUN_ID, INGESTED_AT, SOURCE_FILE, SOURCE_LINE, BATCH_DATE, RAW, PARSE_ERROR, RESCUED);

    /**
     * The columns a bronze table keeps Delta file statistics on by default: the ones its readers
     * filter on (a run's rows, a file's, broken rows). Statistics on every text column would cost
     * an ingest about a fifth of its time, and bronze's text is not what queries skip files by.
     */
    public static final List<String> STATS = List.of(INGEST_RUN_ID, INGESTED_AT, SOURCE_FILE, SOURCE_LINE, PARSE_ERROR);

    private BronzeColumns() {
    }
}
