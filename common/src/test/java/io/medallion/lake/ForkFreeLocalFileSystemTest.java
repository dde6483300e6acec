package io.medallion.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.medallion.testing.TestSpark;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ForkFreeLocalFileSystemTest {
    @TempDir
    java.nio.file.Path dir;

    private static String mode(java.nio.file.Path p) throws Exception {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    private static FileSystem fileSystem() throws Exception {
        FileSystem fs = new ForkFreeLocalFileSystem();
        fs.initialize(URI.create("file:///"), new Configuration());
        return fs;
    }

    @Test
    void filesAndDirectoriesGetThePermissionsHadoopWouldGiveThem() throws Exception {
        FileSystem fs = fileSystem();
        Path file = new Path(dir.resolve("a").toUri());
        try (FSDataOutputStream out = fs.create(file, new FsPermission((short) 0640), false, 4096, (short) 1,
                1 << 20, null)) {
            out.writeBytes("x");
        }
        assertEquals("rw-r-----", mode(dir.resolve("a")));
        // The checksum file beside it gets the same treatment.
        assertEquals("rw-r-----", mode(dir.resolve(".a.crc")));

        assertTrue(fs.mkdirs(new Path(dir.resolve("d/e").toUri()), new FsPermission((short) 0750)));
        assertEquals("rwxr-x---", mode(dir.resolve("d/e")));

        fs.setPermission(file, new FsPermission((short) 0604));
        assertEquals("rw----r--", mode(dir.resolve("a")));
    }

    @Test
    void linksAndFilesAreReportedAsHadoopReportsThem() throws Exception {
        FileSystem fs = fileSystem();
        FileSystem hadoops = new LocalFileSystem();
        hadoops.initialize(URI.create("file:///"), new Configuration());
        Files.writeString(dir.resolve("target"), "x");
        Files.createSymbolicLink(dir.resolve("link"), dir.resolve("target"));

        Path file = new Path(dir.resolve("target").toString());
        assertFalse(fs.getFileLinkStatus(file).isSymlink());
        assertEquals(1, fs.getFileLinkStatus(file).getLen());
        Path link = new Path(dir.resolve("link").toString());
        FileStatus linkStatus = fs.getFileLinkStatus(link);
        assertTrue(linkStatus.isSymlink());
        assertEquals(hadoops.getFileLinkStatus(link).getSymlink(), linkStatus.getSymlink());
        // Hadoop does not see a link behind a qualified path; neither does this.
        Path qualified = new Path(dir.resolve("link").toUri());
        assertEquals(hadoops.getFileLinkStatus(qualified).isSymlink(), fs.getFileLinkStatus(qualified).isSymlink());
    }

    @Test
    void fileContextRenamesAsDeltaCommitsDoAndNeverOverAnExistingFile() throws Exception {
        Configuration conf = new Configuration();
        conf.set("fs.AbstractFileSystem.file.impl", ForkFreeLocalFileSystem.Fs.class.getName());
        FileContext fc = FileContext.getFileContext(URI.create("file:///"), conf);
        assertEquals(ForkFreeLocalFileSystem.Fs.class, fc.getDefaultFileSystem().getClass());

        Path temp = new Path(dir.resolve(".00000.json.tmp").toUri());
        Path commit = new Path(dir.resolve("00000.json").toUri());
        try (FSDataOutputStream out = fc.create(temp, java.util.EnumSet.of(org.apache.hadoop.fs.CreateFlag.CREATE),
                Options.CreateOpts.createParent())) {
            out.writeBytes("{}");
        }
        fc.rename(temp, commit, Options.Rename.NONE);
        assertEquals("{}", Files.readString(dir.resolve("00000.json")));

        Files.writeString(dir.resolve(".other.tmp"), "other writer");
        assertThrows(FileAlreadyExistsException.class,
                () -> fc.rename(new Path(dir.resolve(".other.tmp").toUri()), commit, Options.Rename.NONE));
        assertEquals("{}", Files.readString(dir.resolve("00000.json")));
    }

    @Test
    void theLocalSessionWritesDeltaTablesThroughIt() throws Exception {
        SparkSession spark = TestSpark.session();
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        assertEquals(ForkFreeLocalFileSystem.class, FileSystem.get(URI.create("file:///"), hadoop).getClass());

        String table = dir.resolve("t").toUri().toString();
        spark.range(10).write().format("delta").save(table);
        spark.range(10, 15).write().format("delta").mode("append").save(table);
        assertEquals(15, spark.read().format("delta").load(table).count());
        try (var commits = Files.list(dir.resolve("t/_delta_log"))) {
            assertEquals(List.of("00000000000000000000.json", "00000000000000000001.json"),
                    commits.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".json")).sorted().toList());
        }
    }
}
