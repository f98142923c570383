package dev.wxacode.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Whether the service may write to the bucket, which a HEAD cannot tell: credentials that may
 * read but not put would pass it and then fail every new code. So readiness puts a two-byte
 * object under the key prefix ({@code <prefix>.readiness}), trusting a good write for a while
 * rather than writing at every probe. The probe goes through the same client as the codes, so it
 * carries the same encryption and, as metadata type=readiness, a tag (see {@link PutObjectSettings}):
 * a bucket policy requiring either, or credentials lacking s3:PutObjectTagging or the KMS key, fail
 * the probe as they would fail every new code.
 */
public final class BucketWriteCheck {

    private static final byte[] PROBE = {'o', 'k'};
    private static final Map<String, String> PROBE_METADATA = Map.of(ObjectMetadata.TYPE, "readiness");

    private final S3Client s3;
    private final String bucket;
    private final String key;
    private final Clock clock;
    private final Duration trustFor;
    private volatile Instant trustedUntil = Instant.MIN;

    public BucketWriteCheck(S3Client s3, String bucket, String keyPrefix, Clock clock, Duration trustFor) {
        this.s3 = s3;
        this.bucket = bucket;
        this.key = keyPrefix + ".readiness";
        this.clock = clock;
        this.trustFor = trustFor;
    }

    /** Empty when a write succeeded now or within the trusted time; else what to check. */
    public Optional<String> diagnose() {
        if (clock.instant().isBefore(trustedUntil)) {
            return Optional.empty();
        }
        try {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType("text/plain").metadata(PROBE_METADATA),
                    RequestBody.fromBytes(PROBE));
            trustedUntil = clock.instant().plus(trustFor);
            return Optional.empty();
        } catch (S3Exception e) {
            return Optional.of(e.statusCode() == 403
                    ? "the service may read bucket " + bucket + " but not write to it (PutObject " + key
                            + " was denied); give s3.access-key (S3_ACCESS_KEY), or the role the AWS chain finds,"
                            + " s3:PutObject on the key prefix (with s3.object-tags also s3:PutObjectTagging, with"
                            + " aws:kms kms:GenerateDataKey on the key); a bucket policy may require s3.server-side-encryption"
                    : "bucket " + bucket + " refused a write: HTTP " + e.statusCode() + " " + errorCode(e)
                            + "; a store without object tags or server-side encryption wants s3.object-tags=false"
                            + " (S3_OBJECT_TAGS) or s3.server-side-encryption empty");
        } catch (SdkClientException e) {
            return Optional.of("S3 is unreachable; check s3.endpoint (S3_ENDPOINT): " + e.getClass().getSimpleName());
        }
    }

    private static String errorCode(S3Exception e) {
        return e.awsErrorDetails() == null || e.awsErrorDetails().errorCode() == null ? "" : e.awsErrorDetails().errorCode();
    }
}
