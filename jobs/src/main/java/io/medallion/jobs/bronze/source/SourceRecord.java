package io.medallion.jobs.bronze.source;

/**
 * One record of a landing file as its reader found it.
 *
 * @param position where the record starts: its line (text formats), or its index in a JSON array
 * @param values the declared columns' text, null where absent; all null when the record does not parse
 * @param raw the record's text when it does not parse, else null
 * @param error why the record does not parse, else null
 * @param rescued fields the spec does not declare, as a JSON object; null when none
 */
public record SourceRecord(long position, String[] values, String raw, String error, String rescued) {
}
