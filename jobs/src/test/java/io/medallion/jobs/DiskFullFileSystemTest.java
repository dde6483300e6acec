package io.medallion.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The small disk {@link DiskFaultsIT} falls back to where it cannot mount one: full after its bytes, there only. */
class DiskFullFileSystemTest {
    @TempDir
    Path dir;

    @Test
    void writesBelowTheRootFailAsAFullDiskOnceTheBytesAreSpentAndElsewhereGoOn() throws IOException {
        Path lake = Files.createDirectories(dir.resolve("lake"));
        Configuration conf = new Configuration();
        conf.set("fs.file.impl", DiskFullFileSystem.class.getName());
        conf.setBoolean("fs.file.impl.disable.cache", true);
        conf.set("medallion.disk-full.root", lake.toString());
        conf.setLong("medallion.disk-full.bytes", DiskFullFileSystem.written() + 1000);
        FileSystem fs = FileSystem.get(lake.toUri(), conf);
        assertThat(fs).isInstanceOf(DiskFullFileSystem.class);

        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(lake.resolve("a").toUri()))) {
            out.write(new byte[600]);
        }
        assertThatThrownBy(() -> {
            try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(lake.resolve("b").toUri()))) {
                out.write(new byte[600]);
            }
        }).isInstanceOf(IOException.class).hasMessage("No space left on device");
        try (OutputStream out = fs.create(new org.apache.hadoop.fs.Path(dir.resolve("elsewhere").toUri()))) {
            out.write(new byte[5000]);
        }
        assertThat(Files.size(dir.resolve("elsewhere"))).isEqualTo(5000);
    }
}
