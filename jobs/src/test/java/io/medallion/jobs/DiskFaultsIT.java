package io.medallion.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.medallion.run.ExitCode;
import io.medallion.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lake on a disk that fills during the pipeline: the run exits 1 naming where it could not
 * write, and once space is freed a rerun completes with the same tables as the demo's run, which
 * had room. The small disk is a tmpfs mounted for the test where the test may mount one (root on
 * Linux), else {@link DiskFullFileSystem}.
 */
class DiskFaultsIT {
    @TempDir
    Path dir;

    private static final String SMALL = "6m";

    @Test
    void aDiskThatFillsFailsTheRunNamingTheLakeAndARerunAfterSpaceIsFreedEqualsACleanRun() throws Exception {
        String clean = DemoLake.lake(); // SF 0.01, 2 daily batches, through the same pipeline
        Path landing = Path.of("target", "demo-lake", "landing").toAbsolutePath();
        Path disk = Files.createDirectories(dir.resolve("small-disk"));
        boolean tmpfs = sh("mount", "-t", "tmpfs", "-o", "size=" + SMALL, "tmpfs", disk.toString());
        try {
            Path lake = disk.resolve("lake");
            CliProcess cli = new CliProcess(dir, Map.of("MEDALLION_LAKE_ROOT", lake.toString(),
                    "MEDALLION_LANDING_ROOT", landing.toString()));
            List<String> args = new ArrayList<>(List.of("pipeline", "--pipeline",
                    Path.of("..", "conf", "pipelines", "tpch.yaml").toAbsolutePath().normalize().toString(),
                    "--from", "2024-01-01", "--to", "2024-01-02"));
            List<String> full = new ArrayList<>(args);
            if (!tmpfs) {
                full.addAll(List.of("--conf", "spark.hadoop.fs.file.impl=" + DiskFullFileSystem.class.getName(),
                        "--conf", "spark.hadoop.medallion.disk-full.root=" + lake,
                        "--conf", "spark.hadoop.medallion.disk-full.bytes=6000000"));
            }
            CliProcess.Result filled = cli.run(full.toArray(new String[0]));
            System.out.printf("the lake's disk (%s, %s) filled: exit %d after %.1f s%n", tmpfs ? "tmpfs" : "a file "
                    + "system wrapper", SMALL, filled.exitCode(), filled.millis() / 1e3);
            assertThat(filled.exitCode()).as(filled.toString()).isEqualTo(ExitCode.FAILED);
            assertThat(filled.stderr()).contains("No space left on device").contains(lake.toString());

            if (tmpfs) {
                assertThat(sh("mount", "-o", "remount,size=256m", disk.toString())).as("more room").isTrue();
            }
            CliProcess.Result rerun = cli.run(args.toArray(new String[0]));
            assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
            assertThat(LakeComparison.differences(TestSpark.session(), lake.toUri().toString(), clean)).isEmpty();
        } finally {
            if (tmpfs) {
                sh("umount", disk.toString());
            }
        }
    }

    private static boolean sh(String... command) throws IOException, InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor() == 0;
        } catch (IOException e) {
            return false; // no such command
        }
    }
}
