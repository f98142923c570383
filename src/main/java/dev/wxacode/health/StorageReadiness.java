package dev.wxacode.health;

import java.util.Map;

import org.apache.camel.health.HealthCheckResultBuilder;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** Ready only while the bucket answers: nothing can be stored, or reused, without it. */
public final class StorageReadiness extends ReadinessCheck {

    private final S3Client s3;
    private final String bucket;

    public StorageReadiness(S3Client s3, String bucket) {
        super("s3-bucket");
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            builder.up();
        } catch (S3Exception e) {
            String why = switch (e.statusCode()) {
                case 404 -> "bucket " + bucket + " does not exist; check s3.bucket (S3_BUCKET)";
                case 403 -> "access to bucket " + bucket + " is denied; check s3.access-key and s3.secret-key (S3_ACCESS_KEY, S3_SECRET_KEY)";
                default -> "bucket " + bucket + " answered HTTP " + e.statusCode();
            };
            builder.down().message(why);
        } catch (SdkClientException e) {
            builder.down().message("S3 is unreachable; check s3.endpoint (S3_ENDPOINT): " + e.getClass().getSimpleName());
        }
    }
}
