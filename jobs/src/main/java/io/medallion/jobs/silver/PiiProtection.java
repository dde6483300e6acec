package io.medallion.jobs.silver;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;

import io.medallion.config.ColumnSpec;
import io.medallion.config.Pii;
import io.medallion.config.PipelineSpec;
import io.medallion.config.TableSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Keeps the raw values of {@code pii} columns in bronze only: silver rows, SCD2 history and the
 * quarantine's copy of a rejected row all go through here. Hashing without a salt is refused,
 * since an unsalted hash of a phone number or address can be reversed by hashing guesses.
 */
final class PiiProtection {
    private final String salt;
    private final String specFile;

    PiiProtection(PipelineSpec spec) {
        this.salt = spec.piiSalt();
        this.specFile = spec.file();
    }

    /** The rows with the table's {@code pii} columns hashed or masked. */
    Dataset<Row> protect(Dataset<Row> rows, TableSpec table) {
        requireSalt(table);
        return Cleaning.protect(rows, table, salt);
    }

    /**
     * A JSON object of the declared columns as they are in {@code rows} (bronze text), with
     * {@code pii} columns protected, after the given leading columns: quarantine's {@code raw}.
     */
    Column rawJson(TableSpec table, Column... leading) {
        requireSalt(table);
        List<Column> fields = new ArrayList<>(List.of(leading));
        for (ColumnSpec c : table.schema()) {
            fields.add(Cleaning.protectedValue(c, col(c.name()), salt).as(c.name()));
        }
        return to_json(struct(fields.toArray(new Column[0])));
    }

    /** A column as silver stores it: hashed or masked when {@code pii}. */
    Column stored(ColumnSpec c) {
        return Cleaning.protectedValue(c, col(c.name()), salt).as(c.name());
    }

    private void requireSalt(TableSpec table) {
        List<String> hashed = table.schema().stream().filter(c -> c.pii() == Pii.HASH).map(ColumnSpec::name).toList();
        if (!hashed.isEmpty() && salt.isBlank()) {
            throw new IllegalStateException(table.name() + " declares pii: hash on " + String.join(", ", hashed)
                    + " but privacy.pii_salt in " + specFile + " is empty; give it a secret (for example "
                    + "pii_salt: ${MEDALLION_PII_SALT} with that variable set)");
        }
    }
}
