package io.medallion.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SecretsTest {
    @Test
    void secretKeysAreThoseSparkRedactsAndTheSalt() {
        assertThat(Secrets.isSecret("spark.hadoop.fs.s3a.secret.key")).isTrue();
        assertThat(Secrets.isSecret("spark.hadoop.fs.s3a.access.key")).isTrue();
        assertThat(Secrets.isSecret("spark.hadoop.fs.s3a.session.token")).isTrue();
        assertThat(Secrets.isSecret("spark.datasource.password")).isTrue();
        assertThat(Secrets.isSecret("pii_salt")).isTrue();
        assertThat(Secrets.isSecret("webhook")).as("an alert webhook's URL often holds its token").isTrue();
        assertThat(Secrets.isSecret("spark.hadoop.fs.s3a.aws.credentials.provider")).isFalse();
        assertThat(Secrets.isSecret("spark.hadoop.fs.s3a.endpoint")).isFalse();
        assertThat(Secrets.isSecret("lake_root")).isFalse();
    }

    @Test
    void maskingHidesSecretValuesAtAnyDepthAndKeepsTheRest() throws Exception {
        JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree("""
                storage: {lake_root: s3a://b/lake}
                privacy: {pii_salt: pepper}
                spark:
                  conf: {spark.hadoop.fs.s3a.secret.key: hunter2, spark.hadoop.fs.s3a.endpoint: http://s3:9000,
                         spark.hadoop.fs.s3a.session.token: ""}
                """);
        JsonNode masked = Secrets.masked(spec);
        assertThat(masked.toString()).doesNotContain("pepper", "hunter2").contains("s3a://b/lake", "http://s3:9000");
        assertThat(masked.path("privacy").path("pii_salt").asText()).isEqualTo(Secrets.MASK);
        assertThat(masked.path("spark").path("conf").path("spark.hadoop.fs.s3a.session.token").asText())
                .as("an empty secret shows that it is empty").isEmpty();
        assertThat(spec.path("privacy").path("pii_salt").asText()).as("the original is untouched").isEqualTo("pepper");

        Map<String, String> settings = new LinkedHashMap<>(Map.of("spark.hadoop.fs.s3a.access.key", "AKIA123",
                "spark.master", "local[2]"));
        assertThat(Secrets.masked(settings)).containsEntry("spark.hadoop.fs.s3a.access.key", Secrets.MASK)
                .containsEntry("spark.master", "local[2]");
    }
}
