package io.medallion.jobs.lock;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Small files under the lake's {@code _locks} folder, with the one operation a lock needs: create
 * a file only if it does not exist, atomically. On a local file system that is an exclusive create
 * ({@code O_EXCL}); on S3 a PUT with {@code If-None-Match: *}, which S3 and S3Proxy answer with
 * 412 when the object exists. Other file systems get Hadoop's create without overwrite, which
 * checks and creates in two steps: {@link #atomic()} says so.
 */
abstract class LockStore {
    private static final Logger LOG = LoggerFactory.getLogger(LockStore.class);

    /** Creates {@code name} holding {@code content} unless it exists; whether it did. */
    abstract boolean create(String name, byte[] content);

    /** The content of {@code name}, if it exists. */
    abstract Optional<byte[]> read(String name);

    /** Writes {@code name}, whether or not it exists (a holder renewing its own lock). */
    abstract void put(String name, byte[] content);

    abstract void delete(String name);

    /** The folder, for messages. */
    abstract String where();

    boolean atomic() {
        return true;
    }

    /** The store for {@code folder} ({@code <lake>/_locks}), by its scheme. */
    static LockStore of(String folder, Configuration hadoop) {
        URI uri = URI.create(folder);
        String scheme = uri.getScheme() == null ? "file" : uri.getScheme();
        if (scheme.equals("file")) {
            return new Local(Path.of(uri.getScheme() == null ? URI.create("file:" + folder) : uri));
        }
        try {
            FileSystem fs = new org.apache.hadoop.fs.Path(folder).getFileSystem(hadoop);
            if (fs instanceof org.apache.hadoop.fs.s3a.S3AFileSystem s3a) {
                return new S3(s3a, folder);
            }
            LOG.warn("table locks on {} use a check-then-create, which two writers starting in the same instant "
                    + "can both pass; only local disks and S3 have an atomic create here", scheme);
            return new Hadoop(fs, folder);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot reach the lock folder " + folder, e);
        }
    }

    static final class Local extends LockStore {
        private final Path folder;

        Local(Path folder) {
            this.folder = folder;
        }

        @Override
        boolean create(String name, byte[] content) {
            Path temp;
            try {
                Files.createDirectories(folder);
                temp = Files.createTempFile(folder, "." + name, ".tmp");
            } catch (IOException e) {
                // Before Spark starts, and not something a retry mends: a usage error (exit 2).
                throw new IllegalArgumentException("the lake at " + folder.getParent() + " cannot be written: "
                        + describe(e) + "; check that the lake root is a folder this user may write");
            }
            try {
                // Written aside and linked in: the lock appears whole or not at all, and link fails if it exists.
                try {
                    Files.write(temp, content);
                    Files.createLink(folder.resolve(name), temp);
                    return true;
                } catch (FileAlreadyExistsException e) {
                    return false;
                } finally {
                    Files.deleteIfExists(temp);
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the lock " + folder.resolve(name), e);
            }
        }

        private static String describe(IOException e) {
            if (e instanceof java.nio.file.AccessDeniedException) {
                return "permission denied on " + e.getMessage();
            }
            if (e instanceof FileAlreadyExistsException) {
                return e.getMessage() + " is a file, not a folder";
            }
            return e.getMessage();
        }

        @Override
        Optional<byte[]> read(String name) {
            try {
                return Optional.of(Files.readAllBytes(folder.resolve(name)));
            } catch (NoSuchFileException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the lock " + folder.resolve(name), e);
            }
        }

        @Override
        void put(String name, byte[] content) {
            try {
                Path temp = Files.createTempFile(folder, "." + name, ".tmp");
                Files.write(temp, content);
                Files.move(temp, folder.resolve(name), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot renew the lock " + folder.resolve(name), e);
            }
        }

        @Override
        void delete(String name) {
            try {
                Files.deleteIfExists(folder.resolve(name));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the lock " + folder.resolve(name), e);
            }
        }

        @Override
        String where() {
            return folder.toString();
        }
    }

    static final class S3 extends LockStore {
        private final com.amazonaws.services.s3.AmazonS3 client;
        private final String bucket;
        private final org.apache.hadoop.fs.s3a.S3AFileSystem fs;
        private final String folder;

        S3(org.apache.hadoop.fs.s3a.S3AFileSystem fs, String folder) {
            // S3A's own client: the endpoint, credentials and path style the lake is written with.
            this.client = fs.getAmazonS3ClientForTesting("conditional PUT of table locks");
            this.bucket = fs.getBucket();
            this.fs = fs;
            this.folder = folder;
        }

        private String key(String name) {
            return fs.pathToKey(new org.apache.hadoop.fs.Path(folder, name));
        }

        private com.amazonaws.services.s3.model.PutObjectRequest request(String name, byte[] content) {
            var metadata = new com.amazonaws.services.s3.model.ObjectMetadata();
            metadata.setContentLength(content.length);
            metadata.setContentType("application/json");
            return new com.amazonaws.services.s3.model.PutObjectRequest(bucket, key(name),
                    new ByteArrayInputStream(content), metadata);
        }

        @Override
        boolean create(String name, byte[] content) {
            var request = request(name, content);
            request.putCustomRequestHeader("If-None-Match", "*");
            try {
                client.putObject(request);
                return true;
            } catch (com.amazonaws.services.s3.model.AmazonS3Exception e) {
                if (e.getStatusCode() == 412 || e.getStatusCode() == 409) { // exists; 409: a concurrent PUT won
                    return false;
                }
                throw e;
            }
        }

        @Override
        Optional<byte[]> read(String name) {
            try (var object = client.getObject(bucket, key(name))) {
                return Optional.of(object.getObjectContent().readAllBytes());
            } catch (com.amazonaws.services.s3.model.AmazonS3Exception e) {
                if (e.getStatusCode() == 404) {
                    return Optional.empty();
                }
                throw e;
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the lock " + folder + "/" + name, e);
            }
        }

        @Override
        void put(String name, byte[] content) {
            client.putObject(request(name, content));
        }

        @Override
        void delete(String name) {
            client.deleteObject(bucket, key(name));
        }

        @Override
        String where() {
            return folder;
        }
    }

    static final class Hadoop extends LockStore {
        private final FileSystem fs;
        private final String folder;

        Hadoop(FileSystem fs, String folder) {
            this.fs = fs;
            this.folder = folder;
        }

        private org.apache.hadoop.fs.Path path(String name) {
            return new org.apache.hadoop.fs.Path(folder, name);
        }

        @Override
        boolean create(String name, byte[] content) {
            try (var out = fs.create(path(name), false)) {
                out.write(content);
                return true;
            } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
                return false;
            } catch (IOException e) {
                if (exists(name)) {
                    return false;
                }
                throw new UncheckedIOException("cannot create the lock " + path(name), e);
            }
        }

        private boolean exists(String name) {
            try {
                return fs.exists(path(name));
            } catch (IOException e) {
                return false;
            }
        }

        @Override
        Optional<byte[]> read(String name) {
            try (var in = fs.open(path(name))) {
                return Optional.of(in.readAllBytes());
            } catch (java.io.FileNotFoundException e) {
                return Optional.empty();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the lock " + path(name), e);
            }
        }

        @Override
        void put(String name, byte[] content) {
            try (var out = fs.create(path(name), true)) {
                out.write(content);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot renew the lock " + path(name), e);
            }
        }

        @Override
        void delete(String name) {
            try {
                fs.delete(path(name), false);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot remove the lock " + path(name), e);
            }
        }

        @Override
        String where() {
            return folder;
        }

        @Override
        boolean atomic() {
            return false;
        }
    }
}
