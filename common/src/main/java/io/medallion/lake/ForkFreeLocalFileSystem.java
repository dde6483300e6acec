package io.medallion.lake;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.ChecksumFs;
import org.apache.hadoop.fs.DelegateToFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FsServerDefaults;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.local.LocalConfigKeys;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local file system without the child processes it starts. Without Hadoop's native
 * library, which Spark does not ship, {@link RawLocalFileSystem} runs {@code chmod} for every file
 * and directory it creates and {@code readlink} for both sides of a rename through FileContext,
 * which is how Delta commits on a local disk: twelve processes per Delta commit and two per data
 * file, about 5,600 in one demo. Java's file API does the same work in the process. Everything
 * else, checksum files included, is Hadoop's own.
 *
 * <p>The local Spark profile sets {@code fs.file.impl} to this class and
 * {@code fs.AbstractFileSystem.file.impl} to {@link Fs}, the FileContext view Delta's log store uses.
 */
public class ForkFreeLocalFileSystem extends LocalFileSystem {
    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

    public ForkFreeLocalFileSystem() {
        super(new Raw());
    }

    /** The raw (checksum-less) file system underneath both views. */
    public static class Raw extends RawLocalFileSystem {
        @Override
        public void setPermission(Path p, FsPermission permission) throws IOException {
            if (!POSIX || permission.getStickyBit()) {
                super.setPermission(p, permission);
                return;
            }
            // Without the sticky bit, Hadoop writes the nine bits as Java reads them ("rw-r--r--").
            Files.setPosixFilePermissions(pathToFile(p).toPath(),
                    PosixFilePermissions.fromString(permission.toString()));
        }

        /**
         * Only a symbolic link needs Hadoop's way, which reads the link's target with {@code readlink}.
         * Hadoop asks about the path's string form, so a qualified {@code file:} path is never seen as a
         * link; the same question here keeps that.
         */
        @Override
        public FileStatus getFileLinkStatus(Path f) throws IOException {
            if (Files.isSymbolicLink(new File(f.toString()).toPath())) {
                return super.getFileLinkStatus(f);
            }
            return getFileStatus(f);
        }
    }

    /** The FileContext view ({@code fs.AbstractFileSystem.file.impl}), as Hadoop's {@code LocalFs}. */
    public static class Fs extends ChecksumFs {
        public Fs(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(new RawFs(uri, conf));
        }
    }

    /** As Hadoop's {@code RawLocalFs}, over {@link Raw}. */
    static class RawFs extends DelegateToFileSystem {
        RawFs(URI uri, Configuration conf) throws IOException, URISyntaxException {
            super(uri, new Raw(), conf, uri.getScheme(), false);
        }

        @Override
        public int getUriDefaultPort() {
            return -1;
        }

        @Override
        @SuppressWarnings("deprecation")
        public FsServerDefaults getServerDefaults(Path f) throws IOException {
            return LocalConfigKeys.getServerDefaults();
        }

        @Override
        @SuppressWarnings("deprecation")
        public FsServerDefaults getServerDefaults() throws IOException {
            return LocalConfigKeys.getServerDefaults();
        }

        @Override
        public boolean isValidName(String src) {
            return true;
        }
    }
}
