package io.medallion.jobs.bronze.source;

import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/**
 * Opens landing files: a compressed text file ({@code .gz}, {@code .bz2}, or any codec Hadoop
 * knows by its extension) is read decompressed, transparently.
 */
public final class LandingStreams {
    private LandingStreams() {
    }

    /** The file's bytes as stored. */
    public static InputStream stored(String path, Configuration hadoop) throws IOException {
        Path p = new Path(path);
        return p.getFileSystem(hadoop).open(p);
    }

    /** {@code stored}, decompressed when the file's name says it is compressed. */
    public static InputStream content(InputStream stored, String path, Configuration hadoop) throws IOException {
        CompressionCodec codec = new CompressionCodecFactory(hadoop).getCodec(new Path(path));
        return codec == null ? stored : codec.createInputStream(stored);
    }
}
