package dev.wxacode.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Whether the bucket can be used, and if not, which setting to look at. Asked before anything is
 * generated: S3 answers a HEAD for a key in a missing bucket like one for a missing key, so without
 * this a wrong bucket would cost a WeChat call per request and per retry. A good answer is trusted
 * for a while, so the check costs one HEAD per minute, not one per request.
 */
public final class BucketCheck {

    private final S3Client s3;
    private final String bucket;
    private final Clock clock;
    private final Duration trustFor;
    private volatile Instant trustedUntil = Instant.MIN;

    public BucketCheck(S3Client s3, String bucket, Clock clock, Duration trustFor) {
        this.s3 = s3;
        this.bucket = bucket;
        this.clock = clock;
        this.trustFor = trustFor;
    }

    /** Throws unless the bucket answers (or answered within the last {@code trustFor}). */
    public void require() {
        if (clock.instant().isBefore(trustedUntil)) {
            return;
        }
        Optional<String> problem = diagnose();
        if (problem.isPresent()) {
            throw new StorageUnavailableException(problem.get());
        }
    }

    /** Asks S3 now; empty when the bucket answers. */
    public Optional<String> diagnose() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            trustedUntil = clock.instant().plus(trustFor);
            return Optional.empty();
        } catch (S3Exception e) {
            return Optional.of(switch (e.statusCode()) {
                case 404 -> "bucket " + bucket + " does not exist; check s3.bucket (S3_BUCKET)";
                case 403 -> "access to bucket " + bucket + " is denied; check s3.access-key and s3.secret-key (S3_ACCESS_KEY, S3_SECRET_KEY)";
                default -> "bucket " + bucket + " answered HTTP " + e.statusCode();
            });
        } catch (SdkClientException e) {
            return Optional.of("S3 is unreachable; check s3.endpoint (S3_ENDPOINT): " + e.getClass().getSimpleName());
        }
    }
}
