package io.medallion.jobs.silver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.medallion.config.PipelineSpec;
import io.medallion.config.PipelineSpecLoader;
import io.medallion.config.TableSpec;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The salt rule, checked on the shipped TPC-H spec without Spark. */
class PiiProtectionTest {
    private static final Path SPEC = Path.of("..", "conf", "pipelines", "tpch.yaml").toAbsolutePath().normalize();

    /** The spec under the cluster overlay, which, unlike the local one, gives no default salt. */
    private static PipelineSpec tpch(Map<String, String> salt) {
        Map<String, String> environment = new java.util.HashMap<>(salt);
        environment.put("MEDALLION_LAKE_ROOT", "/lake");
        environment.put("MEDALLION_LANDING_ROOT", "/landing");
        return new PipelineSpecLoader(environment, SPEC.getParent()).load(SPEC, "cluster");
    }

    private static TableSpec table(PipelineSpec spec, String name) {
        return spec.tables().get(name);
    }

    @Test
    void hashingWithAnEmptySaltIsRefusedNamingTheTableColumnsAndSetting() {
        PipelineSpec spec = tpch(Map.of());
        assertThat(spec.piiSalt()).isEmpty();
        PiiProtection pii = new PiiProtection(spec);
        assertThatThrownBy(() -> pii.rawJson(table(spec, "customer")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("customer declares pii: hash on c_address")
                .hasMessageContaining("privacy.pii_salt in " + SPEC)
                .hasMessageContaining("is empty");
    }

    @Test
    void tablesWithoutHashedColumnsAndASaltedSpecPass() {
        PipelineSpec unsalted = tpch(Map.of());
        new PiiProtection(unsalted).rawJson(table(unsalted, "orders"));
        PipelineSpec salted = tpch(Map.of("MEDALLION_PII_SALT", "s3cret"));
        assertThat(salted.piiSalt()).isEqualTo("s3cret");
        new PiiProtection(salted).rawJson(table(salted, "customer"));
    }
}
