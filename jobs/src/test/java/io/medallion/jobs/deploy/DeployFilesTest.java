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
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The orchestrator files under {@code deploy/} cannot run here (no Airflow, no Kubernetes): the
 * manifests must parse and run real medallion commands, the DAG must compile and take its date
 * from the context, and medallion-submit must hand spark-submit the arguments as given.
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
                // The operator sets it to false; a value here would win and hold an operator worker.
                assertThat(spec.path("sparkConf").has("spark.kubernetes.submission.waitAppCompletion"))
                        .as(file.toString()).isFalse();
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
        // Before Airflow 2.10 a ds parameter beside op_args is refused (apache/airflow#41286).
        Process signature = new ProcessBuilder("python3", "-c", String.join("\n",
                "import ast, sys",
                "tree = ast.parse(open(sys.argv[1]).read())",
                "f = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == 'run_medallion')",
                "print([a.arg for a in f.args.args], [a.arg for a in f.args.kwonlyargs],",
                "      f.args.vararg.arg, f.args.kwarg.arg)"), dag.toString()).redirectErrorStream(true).start();
        String parameters = new String(signature.getInputStream().readAllBytes()).strip();
        assertThat(signature.waitFor()).as(parameters).isZero();
        assertThat(parameters).isEqualTo("['command'] [] args context");
        assertThat(text).contains("ds = context[\"ds\"]");
    }

    /**
     * The DAG's lineage_parent, taken out of the file and run against a stand-in for the
     * OpenLineage provider's macros (Airflow is not installed here), then without it.
     */
    @Test
    void theDagPassesTheTasksOpenLineageRunAsTheParent() throws Exception {
        assumeTrue(hasPython(), "python3 is not installed: the DAG's lineage settings are not checked");
        String run = String.join("\n",
                "import ast, sys, types",
                "tree = ast.parse(open(sys.argv[1]).read())",
                "f = next(n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == 'lineage_parent')",
                "scope = {}",
                "exec(compile(ast.Module(body=[f], type_ignores=[]), 'dag', 'exec'), scope)",
                "print(scope['lineage_parent']({'task_instance': 'ti'}))",
                "macros = types.ModuleType('airflow.providers.openlineage.plugins.macros')",
                "macros.lineage_run_id = lambda ti: 'run-of-' + ti",
                "macros.lineage_job_name = lambda ti: 'medallion.silver'",
                "macros.lineage_job_namespace = lambda: 'airflow'",
                "for name in ['airflow', 'airflow.providers', 'airflow.providers.openlineage',",
                "             'airflow.providers.openlineage.plugins']:",
                "    sys.modules[name] = types.ModuleType(name)",
                "sys.modules[macros.__name__] = macros",
                "print(scope['lineage_parent']({'task_instance': 'ti'}))");
        Process p = new ProcessBuilder("python3", "-c", run, DEPLOY.resolve("airflow/medallion_dag.py").toString())
                .redirectErrorStream(true).start();
        List<String> out = new String(p.getInputStream().readAllBytes()).lines().toList();
        assertThat(p.waitFor()).as(String.join("\n", out)).isZero();
        assertThat(out).containsExactly("[]", "['--conf', 'spark.openlineage.parentRunId=run-of-ti', '--conf', "
                + "'spark.openlineage.parentJobName=medallion.silver', '--conf', "
                + "'spark.openlineage.parentJobNamespace=airflow']");
        assertThat(Files.readString(DEPLOY.resolve("airflow/medallion_dag.py")))
                .contains("\"--run-date\", ds, *args, *lineage_parent(context)]");
    }

    /**
     * The DAG's six tasks under a real Airflow ({@code dag.test()}), each calling a stand-in
     * medallion-submit that records its arguments. Airflow cannot be installed here (no PyPI), so
     * here this is skipped; it has not run on this machine.
     */
    @Test
    void theDagRunsEveryTaskUnderAirflow(@TempDir Path dir) throws Exception {
        assumeTrue(hasPython(), "python3 is not installed");
        Process probe = new ProcessBuilder("python3", "-c", "import airflow").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        assumeTrue(probe.waitFor() == 0, "Airflow cannot be imported here (PyPI is not reachable): the DAG's tasks"
                + " are not run under Airflow");
        Path log = dir.resolve("submitted.txt");
        Path stub = Files.createDirectories(dir.resolve("home/deploy/bin")).resolve("medallion-submit");
        Files.writeString(stub, "#!/usr/bin/env bash\necho \"$*\" >> " + log + "\n");
        stub.toFile().setExecutable(true);
        ProcessBuilder builder = new ProcessBuilder("python3", "-c", String.join("\n",
                "import datetime, sys",
                "sys.path.insert(0, sys.argv[1])",
                "from airflow.utils import db",
                "db.initdb()",
                "import medallion_dag",
                "medallion_dag.dag.test(execution_date=datetime.datetime(2024, 1, 3))"),
                DEPLOY.resolve("airflow").toString()).redirectErrorStream(true);
        builder.environment().put("AIRFLOW_HOME", dir.resolve("airflow").toString());
        builder.environment().put("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", "sqlite:///" + dir.resolve("airflow.db"));
        builder.environment().put("AIRFLOW__CORE__LOAD_EXAMPLES", "False");
        builder.environment().put("AIRFLOW_VAR_MEDALLION_HOME", dir.resolve("home").toString());
        Process run = builder.start();
        String out = new String(run.getInputStream().readAllBytes());
        assertThat(run.waitFor()).as(out).isZero();
        assertThat(Files.readAllLines(log)).as(out).containsExactly("bronze --run-date 2024-01-03",
                "silver --run-date 2024-01-03", "quality --run-date 2024-01-03 --layer silver",
                "gold --run-date 2024-01-03", "quality --run-date 2024-01-03 --layer gold",
                "maintain --run-date 2024-01-03");
    }

    /** medallion-submit against a stand-in spark-submit that prints each argument it gets on a line. */
    private static List<String> submitted(Path dir, Map<String, String> env, String... args) throws Exception {
        Path bin = Files.createDirectories(dir.resolve("spark/bin"));
        Path stub = bin.resolve("spark-submit");
        Files.writeString(stub, "#!/usr/bin/env bash\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
        stub.toFile().setExecutable(true);
        Path jar = Files.writeString(dir.resolve("medallion-jobs.jar"), "");
        List<String> command = new ArrayList<>(List.of(DEPLOY.resolve("bin/medallion-submit").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SPARK_HOME", dir.resolve("spark").toString());
        builder.environment().put("MEDALLION_JAR", jar.toString());
        builder.environment().remove("MEDALLION_SUBMIT_OPTS");
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        return out.lines().toList();
    }

    @Test
    void medallionSubmitKeepsTheUsersEnvAndPipelineAndValuesWithSpaces(@TempDir Path dir) throws Exception {
        List<String> args = submitted(dir, Map.of("MEDALLION_SUBMIT_OPTS", "--driver-memory 2g\n --conf a=b"),
                "--conf", "spark.driver.extraJavaOptions=-Da=1 -Db=2", "--", "silver", "--env=cluster,s3",
                "--pipeline=/specs/mine.yaml", "--run-date", "2024-01-03");
        assertThat(args).containsSubsequence("--driver-memory", "2g", "--conf", "a=b", "--conf",
                "spark.driver.extraJavaOptions=-Da=1 -Db=2", dir.resolve("medallion-jobs.jar").toString(), "silver",
                "--env=cluster,s3", "--pipeline=/specs/mine.yaml", "--run-date", "2024-01-03");
        assertThat(args).filteredOn(a -> a.startsWith("--env")).containsExactly("--env=cluster,s3");
        assertThat(args).filteredOn(a -> a.startsWith("--pipeline")).containsExactly("--pipeline=/specs/mine.yaml");
        // The medallion command line after the jar parses: one --env, one --pipeline.
        List<String> job = args.subList(args.indexOf("silver"), args.size());
        assertThatCode(() -> MedallionCommand.commandLine().parseArgs(job.toArray(new String[0])))
                .as(job.toString()).doesNotThrowAnyException();

        List<String> defaults = submitted(dir, Map.of("MEDALLION_ENV", "cluster,s3"), "gold", "--run-date", "2024-01-03");
        assertThat(defaults).containsSubsequence("gold", "--pipeline").contains("--env", "cluster,s3");
        assertThat(defaults.get(defaults.indexOf("--pipeline") + 1)).endsWith("conf/pipelines/tpch.yaml");
    }
}
