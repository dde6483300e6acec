package io.medallion.jobs.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.medallion.jobs.cli.MedallionCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The orchestrator files under {@code deploy/} cannot run here (no Airflow, no Kubernetes): the
 * manifests must parse and run real medallion commands, and the DAG must compile.
 */
class DeployFilesTest {
    private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

    private static List<JsonNode> documents(Path file) throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class)
                .readValues(file.toFile())) {
            while (it.hasNext()) {
                docs.add(it.next());
            }
        }
        return docs;
    }

    @Test
    void everySparkApplicationRunsAMedallionCommandThatParses() throws IOException {
        List<Path> manifests;
        try (Stream<Path> files = Files.list(DEPLOY.resolve("kubernetes"))) {
            manifests = files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        List<String> jobs = new ArrayList<>();
        for (Path file : manifests) {
            for (JsonNode doc : documents(file)) {
                assertThat(doc.path("apiVersion").asText()).as(file.toString()).isNotEmpty();
                if (!doc.path("kind").asText().equals("SparkApplication")) {
                    continue;
                }
                JsonNode spec = doc.path("spec");
                assertThat(spec.path("mainClass").asText()).isEqualTo("io.medallion.jobs.Main");
                assertThat(spec.path("driver").path("envFrom").toString()).contains("medallion-s3");
                List<String> args = new ArrayList<>();
                spec.path("arguments").forEach(a -> args.add(a.asText().replace("{{ ds }}", "2024-01-03")));
                assertThatCode(() -> MedallionCommand.commandLine().parseArgs(args.toArray(new String[0])))
                        .as(file + ": " + args).doesNotThrowAnyException();
                jobs.add(doc.path("metadata").path("labels").path("medallion/job").asText());
            }
        }
        assertThat(jobs).containsExactlyInAnyOrder("bronze", "silver", "quality-silver", "gold", "quality-gold",
                "maintain");
        assertThat(documents(DEPLOY.resolve("kubernetes/namespace-and-settings.yaml")))
                .extracting(d -> d.path("kind").asText()).contains("Secret", "ConfigMap", "ServiceAccount");
    }

    private static boolean hasPython() {
        try {
            Process p = new ProcessBuilder("python3", "--version").start();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Test
    void theAirflowDagCompiles() throws Exception {
        assumeTrue(hasPython(), "python3 is not installed: the DAG's syntax is not checked");
        Path dag = DEPLOY.resolve("airflow/medallion_dag.py");
        Process p = new ProcessBuilder("python3", "-c", "import ast, sys; ast.parse(open(sys.argv[1]).read())",
                dag.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        String text = Files.readString(dag);
        assertThat(text).contains("catchup=True", "AirflowFailException", "EXIT_QUALITY_GATE", "medallion-submit",
                "\"--run-date\", ds");
    }
}
