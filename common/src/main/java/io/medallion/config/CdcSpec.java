package io.medallion.config;

import java.util.Objects;

/**
 * A source that is a change feed: each record is an event with an operation, a sequence number
 * that orders events per key, and before/after images whose fields are the table's schema.
 */
public record CdcSpec(String opField, String sequenceField, String beforeField, String afterField)
        implements java.io.Serializable {

    public CdcSpec {
        Objects.requireNonNull(opField, "opField");
        Objects.requireNonNull(sequenceField, "sequenceField");
        Objects.requireNonNull(beforeField, "beforeField");
        Objects.requireNonNull(afterField, "afterField");
    }
}
