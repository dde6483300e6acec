package io.medallion.testing;

import io.medallion.config.PipelineSpec;
import io.medallion.config.PipelineSpecLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Pipeline specs for tests, laid out as a project is: {@code conf/pipelines/} and a local env overlay. */
public final class TestSpecs {
    private TestSpecs() {
    }

    /** Writes {@code yaml} as {@code conf/pipelines/<name>.yaml} under {@code dir}, with a local-profile env; returns its path. */
    public static Path write(Path dir, String name, String yaml) throws IOException {
        Path file = dir.resolve("conf/pipelines/" + name + ".yaml");
        Files.createDirectories(file.getParent());
        Files.createDirectories(dir.resolve("conf/env"));
        Files.writeString(dir.resolve("conf/env/local.yaml"), "spark: {profile: local}\n");
        Files.writeString(file, yaml);
        return file;
    }

    /** {@link #write}, then loads it with the local overlay; a gold model's SQL is then under {@code dir/conf/gold}. */
    public static PipelineSpec load(Path dir, String name, String yaml) throws IOException {
        return new PipelineSpecLoader(java.util.Map.of(), dir).load(write(dir, name, yaml), "local");
    }
}
