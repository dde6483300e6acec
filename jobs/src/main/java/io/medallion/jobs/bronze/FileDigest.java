package io.medallion.jobs.bronze;

import io.medallion.jobs.bronze.source.RecordCount;
import io.medallion.jobs.bronze.source.LandingStreams;
import io.medallion.jobs.bronze.source.SourceReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.hadoop.conf.Configuration;

/**
 * A landing file's fingerprint: the SHA-256 of its bytes as stored (compressed files too), and
 * what its reader's counting pass found in it, read in one pass, so bronze can prove it has every
 * record of the file, or knows why the file is refused.
 */
public record FileDigest(String path, String sha256, RecordCount count) implements Serializable {

    public long records() {
        return count.records();
    }

    /** The same file with the count of a reader that needs Spark (typed files). */
    FileDigest withCount(RecordCount counted) {
        return new FileDigest(path, sha256, counted);
    }

    /** @param reader the counting pass; null to hash only, for typed files that Spark counts */
    static FileDigest of(String path, SourceReader reader, Configuration hadoop) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            RecordCount count;
            try (DigestInputStream stored = new DigestInputStream(LandingStreams.stored(path, hadoop), sha)) {
                try {
                    count = reader == null ? null
                            : reader.count(LandingStreams.content(unclosable(stored), path, hadoop), path);
                } catch (IOException e) {
                    // A corrupt compressed stream, for one: the file is refused, the others go on.
                    count = RecordCount.rejected("cannot be read: " + e.getMessage());
                }
                drain(stored);
            }
            return new FileDigest(path, HexFormat.of().formatHex(sha.digest()), count);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read landing file " + path + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The stream, with close() left to us: a reader that closes its input must not end the digest early. */
    private static InputStream unclosable(InputStream in) {
        return new java.io.FilterInputStream(in) {
            @Override
            public void close() {
                // the digest closes the file once it has read every byte
            }
        };
    }

    /** Reads what the counting pass left (a refused file, a codec's trailer), so the hash covers every byte. */
    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[1 << 16];
        while (in.read(buffer) >= 0) {
            // only the digest wants these bytes
        }
    }
}
