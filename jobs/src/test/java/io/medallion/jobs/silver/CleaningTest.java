package io.medallion.jobs.silver;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.config.CdcSpec;
import io.medallion.config.ColumnSpec;
import io.medallion.config.ColumnType;
import io.medallion.config.Pii;
import io.medallion.config.SourceFormat;
import io.medallion.config.SourceSpec;
import io.medallion.config.Standardize;
import io.medallion.config.TableSpec;
import io.medallion.testing.TestSpark;
import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/** Bronze text to typed, standardized, protected silver values. */
class CleaningTest {
    private static final SparkSession SPARK = TestSpark.session();

    private static ColumnSpec column(String name, String type, Standardize s, Pii pii) {
        return new ColumnSpec(name, ColumnType.parse(type).orElseThrow(), false, s, pii);
    }

    private static final TableSpec TABLE = new TableSpec("c", new SourceSpec(SourceFormat.JSONL, "c", "*", "|", true),
            List.of(column("id", "bigint", Standardize.NONE, Pii.NONE),
                    column("balance", "decimal(15,2)", Standardize.NONE, Pii.NONE),
                    column("segment", "string", Standardize.UPPER, Pii.NONE),
                    column("phone", "string", Standardize.PHONE, Pii.MASK),
                    column("email", "string", Standardize.EMAIL, Pii.HASH),
                    column("since", "date", Standardize.NONE, Pii.NONE),
                    column("note", "string", Standardize.NONE, Pii.NONE),
                    column("code", "string", Standardize.TRIM, Pii.NONE)),
            List.of("id"), List.of("seq"), List.of(), Optional.of(new CdcSpec("op", "seq", "before", "after")));

    private static Dataset<Row> text(String... values) {
        StructType schema = new StructType();
        for (ColumnSpec c : TABLE.schema()) {
            schema = schema.add(c.name(), DataTypes.StringType, true);
        }
        schema = schema.add("_source_line", DataTypes.LongType, false);
        Object[] row = new Object[values.length + 1];
        System.arraycopy(values, 0, row, 0, values.length);
        row[values.length] = 7L;
        return SPARK.createDataFrame(List.of(RowFactory.create(row)), schema);
    }

    @Test
    void textIsTrimmedStandardizedAndCastExactly() {
        Row r = Cleaning.typed(text(" 42 ", "7603.40", " building ", "25 989 741 2988", " Ann@Example.COM ",
                "1996-03-13", " free text ", " AB "), TABLE).first();
        assertThat(r.<String>getAs("note")).as("text without a standardization is kept").isEqualTo(" free text ");
        assertThat(r.<String>getAs("code")).isEqualTo("AB");
        assertThat(r.<Long>getAs("id")).isEqualTo(42L);
        assertThat(r.<BigDecimal>getAs("balance")).isEqualTo(new BigDecimal("7603.40"));
        assertThat(r.schema().apply("balance").dataType()).isEqualTo(DataTypes.createDecimalType(15, 2));
        assertThat(r.<String>getAs("segment")).isEqualTo("BUILDING");
        assertThat(r.<String>getAs("phone")).isEqualTo("25-989-741-2988");
        assertThat(r.<String>getAs("email")).isEqualTo("ann@example.com");
        assertThat(r.<Date>getAs("since")).isEqualTo(Date.valueOf("1996-03-13"));
        assertThat(r.<Long>getAs("_source_line")).as("other columns pass through").isEqualTo(7L);
    }

    @Test
    void emptyTextIsNullAndAPhoneThatIsNotOneIsLeftForTheRules() {
        Row r = Cleaning.typed(text("1", "  ", "", "call-me-1", null, "", "", "  "), TABLE).first();
        assertThat(r.<String>getAs("note")).isNull();
        assertThat(r.<String>getAs("code")).isNull();
        assertThat(r.<BigDecimal>getAs("balance")).isNull();
        assertThat(r.<String>getAs("segment")).isNull();
        assertThat(r.<String>getAs("phone")).isEqualTo("call-me-1");
        assertThat(r.<Date>getAs("since")).isNull();
    }

    @Test
    void changeEventImagesGiveTheDeclaredColumnsWithExactNumbers() {
        StructType schema = new StructType().add("after", DataTypes.StringType);
        Dataset<Row> bronze = SPARK.createDataFrame(List.of(RowFactory.create(
                "{\"id\":5,\"balance\":-272.60,\"segment\":\"household\",\"c_loyalty_tier\":\"gold\"}")), schema);
        Row r = Cleaning.typed(Cleaning.fromImage(bronze, TABLE, "after"), TABLE).first();
        assertThat(r.<Long>getAs("id")).isEqualTo(5L);
        assertThat(r.<BigDecimal>getAs("balance")).isEqualTo(new BigDecimal("-272.60"));
        assertThat(r.<String>getAs("segment")).isEqualTo("HOUSEHOLD");
        assertThat(r.<String>getAs("phone")).isNull();
    }

    @Test
    void personalDataIsHashedWithTheSaltOrMasked() {
        Dataset<Row> typed = Cleaning.typed(text("1", "1.00", "a", "25-989-741-2988", "ann@example.com", null, null,
                null), TABLE);
        Row salted = Cleaning.protect(typed, TABLE, "pepper").first();
        Row otherSalt = Cleaning.protect(typed, TABLE, "salt").first();
        assertThat(salted.<String>getAs("phone")).isEqualTo("***********2988");
        assertThat(salted.<String>getAs("email")).hasSize(64).doesNotContain("ann")
                .isEqualTo(Cleaning.protect(typed, TABLE, "pepper").first().<String>getAs("email"))
                .isNotEqualTo(otherSalt.<String>getAs("email"));
        assertThat(salted.<String>getAs("segment")).isEqualTo("A");
    }
}
