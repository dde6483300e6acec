package io.medallion.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TableRefTest {
    @Test
    void parsesLayerDotNameAndNamesTheDerivedTables() {
        TableRef orders = TableRef.parse("silver.orders");
        assertThat(orders).isEqualTo(TableRef.silver("orders"));
        assertThat(orders.layer()).isEqualTo(Layer.SILVER);
        assertThat(orders.quarantine()).hasToString("silver._quarantine_orders");
        assertThat(TableRef.bronze("customer").history()).hasToString("silver.dim_customer");
        assertThat(orders.path("s3a://lake/x")).isEqualTo("s3a://lake/x/silver/orders");
        assertThat(TableRef.ops("runs").in(Layer.GOLD)).hasToString("gold.runs");
    }

    @Test
    void aBareNameTakesTheDefaultLayer() {
        assertThat(TableRef.parse("orders", Layer.GOLD)).isEqualTo(TableRef.gold("orders"));
        assertThat(TableRef.parse("bronze.orders", Layer.GOLD)).isEqualTo(TableRef.bronze("orders"));
        assertThat(TableRef.isQualified("ops.runs")).isTrue();
        assertThat(TableRef.isQualified("recent_orders")).isFalse();
        assertThat(TableRef.isQualified("cte.x")).isFalse();
    }

    @Test
    void aNameWithoutAKnownLayerFailsNamingTheLayers() {
        assertThatThrownBy(() -> TableRef.parse("orders")).hasMessage(
                "'orders' is not a lake table name; write layer.table with layer one of bronze, silver, gold, ops");
        assertThatThrownBy(() -> TableRef.parse("platinum.orders")).hasMessageContaining("bronze, silver, gold, ops");
        assertThatThrownBy(() -> TableRef.parse("silver.")).isInstanceOf(IllegalArgumentException.class);
    }
}
