package io.medallion.jobs;

import io.medallion.lake.ForkFreeLocalFileSystem;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system with a small disk under one folder: once {@code medallion.disk-full.bytes}
 * bytes have been written below {@code medallion.disk-full.root}, every further write there fails
 * as a full disk does ("No space left on device"). For machines where a test cannot mount a small
 * tmpfs; set it as {@code spark.hadoop.fs.file.impl}.
 */
public class DiskFullFileSystem extends ForkFreeLocalFileSystem {
    private static final AtomicLong WRITTEN = new AtomicLong();

    @Override
    public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize,
                                     short replication, long blockSize, Progressable progress) throws IOException {
        FSDataOutputStream out = super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
        String root = getConf().get("medallion.disk-full.root", "");
        long limit = getConf().getLong("medallion.disk-full.bytes", Long.MAX_VALUE);
        if (root.isEmpty() || !f.toUri().getPath().startsWith(new Path(root).toUri().getPath())) {
            return out;
        }
        return new FSDataOutputStream(new FilterOutputStream(out) {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (WRITTEN.addAndGet(len) > limit) {
                    throw new IOException("No space left on device");
                }
                out.write(b, off, len);
            }
        }, null);
    }

    /** Bytes written below the root so far in this JVM. */
    static long written() {
        return WRITTEN.get();
    }
}
