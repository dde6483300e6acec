package io.medallion.testing;

import io.medallion.spark.SparkSessions;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** The one SparkSession of a test JVM: local[2], two shuffle partitions, no UI, Delta enabled. */
public final class TestSpark {
    private static SparkSession session;

    private TestSpark() {
    }

    /** The shared session; a new one if a test stopped it (to check that a command starts none). */
    public static synchronized SparkSession session() {
        if (session == null || session.sparkContext().isStopped()) {
            SparkSession.Builder builder = SparkSession.builder().appName("medallion tests");
            Map<String, String> conf = SparkSessions.deltaSettings();
            conf.putAll(SparkSessions.localSettings(2));
            conf.put("spark.sql.shuffle.partitions", "2");
            conf.forEach(builder::config);
            session = builder.getOrCreate();
        }
        return session;
    }
}
