package dev.wxacode.health;

import java.util.Map;

import dev.wxacode.store.BucketCheck;
import org.apache.camel.health.HealthCheckResultBuilder;

/** Ready only while the bucket answers: nothing can be stored, or reused, without it. */
public final class StorageReadiness extends ReadinessCheck {

    private final BucketCheck bucket;

    public StorageReadiness(BucketCheck bucket) {
        super("s3-bucket");
        this.bucket = bucket;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        bucket.diagnose().ifPresentOrElse(problem -> builder.down().message(problem), builder::up);
    }
}
