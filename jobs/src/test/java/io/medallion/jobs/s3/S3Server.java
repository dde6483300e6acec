package io.medallion.jobs.s3;

import com.amazonaws.auth.AWSStaticCredentialsProvider;
import com.amazonaws.auth.BasicAWSCredentials;
import com.amazonaws.client.builder.AwsClientBuilder;
import com.amazonaws.services.s3.AmazonS3;
import com.amazonaws.services.s3.AmazonS3ClientBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.MinIOContainer;

/**
 * A real S3 API server for a test class, with a fresh bucket per call of {@link #newBucket}:
 * MinIO in a container (Testcontainers) when a Docker engine runs, otherwise S3Proxy started as
 * a separate process (its jar is resolved by Maven into {@code target/s3proxy}) on a free
 * loopback port, keeping objects in memory. (Unlike S3, S3Proxy keeps "directory" marker keys as
 * folders and answers 500 when a marker is deleted before the keys under it, which S3A's delete
 * of a folder tree of nested markers can do: the classic commit of a plain Parquet write makes
 * such trees. Delta writes make none.) Register it with {@code @RegisterExtension static}.
 * The credentials include a recognizable secret, so tests can prove it is never printed.
 */
public final class S3Server implements BeforeAllCallback, AfterAllCallback {
    private static final Logger LOG = LoggerFactory.getLogger(S3Server.class);
    private static final String MINIO_IMAGE = "minio/minio:RELEASE.2025-09-07T16-13-09Z";

    private final String accessKey = "medallion-test";
    private final String secretKey = "s3-secret-" + UUID.randomUUID().toString().replace("-", "");
    private MinIOContainer minio;
    private Process s3proxy;
    private Path s3proxyDir;
    private String endpoint;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (dockerRuns()) {
            minio = new MinIOContainer(MINIO_IMAGE).withUserName(accessKey).withPassword(secretKey);
            minio.start();
            endpoint = minio.getS3URL();
            LOG.info("S3 server: MinIO in a container at {}", endpoint);
        } else {
            startS3Proxy();
            LOG.info("S3 server: S3Proxy process at {} (no Docker engine)", endpoint);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (minio != null) {
            minio.stop();
        }
        if (s3proxy != null) {
            s3proxy.destroy();
            if (!s3proxy.waitFor(20, TimeUnit.SECONDS)) {
                s3proxy.destroyForcibly();
            }
        }
    }

    /** Which server this is, for messages. */
    public String kind() {
        return minio != null ? "MinIO" : "S3Proxy";
    }

    public String endpoint() {
        return endpoint;
    }

    public String accessKey() {
        return accessKey;
    }

    public String secretKey() {
        return secretKey;
    }

    /** Creates a bucket with a fresh name and returns the name. */
    public String newBucket() {
        String bucket = "medallion-" + UUID.randomUUID().toString().substring(0, 8);
        client().createBucket(bucket);
        return bucket;
    }

    /** Every object key under {@code prefix} in {@code bucket}. */
    public List<String> keys(String bucket, String prefix) {
        return client().listObjectsV2(bucket, prefix).getObjectSummaries().stream().map(o -> o.getKey()).toList();
    }

    /**
     * The environment a medallion process needs to use this server through the {@code s3}
     * overlay: bucket, endpoint, path-style access and the credentials (AWS's variables).
     */
    public Map<String, String> environment(String bucket) {
        Map<String, String> env = new HashMap<>();
        env.put("MEDALLION_S3_BUCKET", bucket);
        env.put("MEDALLION_S3_ENDPOINT", endpoint);
        env.put("MEDALLION_S3_PATH_STYLE", "true");
        env.put("AWS_ACCESS_KEY_ID", accessKey);
        env.put("AWS_SECRET_ACCESS_KEY", secretKey);
        env.put("AWS_REGION", "us-east-1");
        return env;
    }

    /** Hadoop settings that let this JVM's Spark read {@code bucket} (per-bucket, so nothing else changes). */
    public Map<String, String> hadoopSettings(String bucket) {
        String p = "fs.s3a.bucket." + bucket + ".";
        return Map.of(p + "endpoint", endpoint, p + "path.style.access", "true", p + "access.key", accessKey,
                p + "secret.key", secretKey, p + "aws.credentials.provider",
                "org.apache.hadoop.fs.s3a.SimpleAWSCredentialsProvider", p + "directory.marker.retention", "keep",
                p + "endpoint.region", "us-east-1");
    }

    private AmazonS3 client() {
        return AmazonS3ClientBuilder.standard()
                .withEndpointConfiguration(new AwsClientBuilder.EndpointConfiguration(endpoint, "us-east-1"))
                .withPathStyleAccessEnabled(true)
                .withCredentials(new AWSStaticCredentialsProvider(new BasicAWSCredentials(accessKey, secretKey)))
                .build();
    }

    private static boolean dockerRuns() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private void startS3Proxy() throws IOException, InterruptedException {
        Path jar = Path.of(System.getProperty("medallion.s3proxy.jar", "target/s3proxy/s3proxy.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("S3Proxy jar not found at " + jar.toAbsolutePath()
                    + "; 'mvn generate-test-resources' copies it there");
        }
        int port = freePort();
        endpoint = "http://127.0.0.1:" + port;
        s3proxyDir = Files.createTempDirectory("s3proxy");
        Path properties = s3proxyDir.resolve("s3proxy.properties");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=" + endpoint,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + accessKey,
                "s3proxy.credential=" + secretKey,
                "jclouds.provider=transient") + "\n");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        s3proxy = new ProcessBuilder(java.toString(), "-Xmx1g", "-jar", jar.toString(), "--properties",
                properties.toString()).redirectErrorStream(true).redirectOutput(s3proxyDir.resolve("s3proxy.log").toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!accepts(port)) {
            if (!s3proxy.isAlive() || System.nanoTime() > deadline) {
                throw new IllegalStateException("S3Proxy did not start on port " + port + ":\n"
                        + Files.readString(s3proxyDir.resolve("s3proxy.log")));
            }
            Thread.sleep(200);
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A loopback port nothing listens on right now. */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
