package io.medallion.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class EnvSubstitutionTest {
    private final EnvSubstitution env = new EnvSubstitution(Map.of("BUCKET", "lake-prod", "EMPTY", ""));

    @Test
    void replacesSetVariablesAndFallsBackToDefaults() {
        assertThat(env.apply("s3a://${BUCKET}/x")).isEqualTo("s3a://lake-prod/x");
        assertThat(env.apply("${MISSING:-data/lake}")).isEqualTo("data/lake");
        assertThat(env.apply("${EMPTY:-fallback}")).isEqualTo("fallback");
        assertThat(env.apply("${MISSING:-}")).isEmpty();
        assertThat(env.apply("no references")).isEqualTo("no references");
        assertThat(env.apply("$1 and ${BUCKET}")).isEqualTo("$1 and lake-prod");
    }

    @Test
    void unsetVariableWithoutDefaultNamesIt() {
        assertThatThrownBy(() -> env.apply("${SECRET_KEY}"))
                .hasMessageContaining("SECRET_KEY is not set");
    }
}
