package io.medallion.jobs.bronze;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A landing file's fingerprint: its SHA-256 and its line count, read in one pass with the same
 * line splitting the ingest uses, so bronze can prove it has every line of the file.
 */
public record FileDigest(String path, String sha256, long lines) implements Serializable {

    static FileDigest of(String path, Configuration hadoop) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            Path p = new Path(path);
            long lines = 0;
            try (DigestInputStream in = new DigestInputStream(p.getFileSystem(hadoop).open(p), sha);
                 BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8),
                         1 << 16)) {
                while (reader.readLine() != null) {
                    lines++;
                }
            }
            return new FileDigest(path, HexFormat.of().formatHex(sha.digest()), lines);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read landing file " + path + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
