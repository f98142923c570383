package dev.wxacode.health;

import java.util.Map;

import dev.wxacode.store.BucketCheck;
import dev.wxacode.store.BucketWriteCheck;
import org.apache.camel.health.HealthCheckResultBuilder;

/**
 * Ready only while the bucket answers and takes writes: nothing can be stored, or reused, without
 * the first, and no new code without the second.
 */
public final class StorageReadiness extends ReadinessCheck {

    private final BucketCheck bucket;
    private final BucketWriteCheck write;

    public StorageReadiness(BucketCheck bucket, BucketWriteCheck write) {
        super("s3-bucket");
        this.bucket = bucket;
        this.write = write;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        bucket.diagnose().or(write::diagnose).ifPresentOrElse(problem -> builder.down().message(problem), builder::up);
    }
}
