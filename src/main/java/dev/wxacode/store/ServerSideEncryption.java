package dev.wxacode.store;

import java.util.Locale;

import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * The server-side encryption every putObject asks for (s3.server-side-encryption, s3.kms-key-id).
 * Asked for on each request rather than left to the bucket's default, because a bucket policy
 * that requires SSE checks the request's x-amz-server-side-encryption header, not the outcome.
 */
public final class ServerSideEncryption {

    static final String AES256 = "AES256";
    static final String AWS_KMS = "aws:kms";

    private static final ServerSideEncryption NONE = new ServerSideEncryption(null, null);

    private final String algorithm;
    private final String kmsKeyId;

    private ServerSideEncryption(String algorithm, String kmsKeyId) {
        this.algorithm = algorithm;
        this.kmsKeyId = kmsKeyId;
    }

    /** Refuses anything but empty, AES256 or aws:kms, and a KMS key without aws:kms. */
    public static ServerSideEncryption of(String setting, String kmsKeyId) {
        String value = setting == null ? "" : setting.trim();
        String key = kmsKeyId == null || kmsKeyId.isBlank() ? null : kmsKeyId.trim();
        ServerSideEncryption sse = switch (value.toLowerCase(Locale.ROOT)) {
            case "" -> NONE;
            case "aes256" -> new ServerSideEncryption(AES256, null);
            case AWS_KMS -> new ServerSideEncryption(AWS_KMS, key);
            default -> throw new IllegalArgumentException("s3.server-side-encryption (S3_SERVER_SIDE_ENCRYPTION) must be empty, "
                    + AES256 + " or " + AWS_KMS + " (was " + setting + ")");
        };
        if (key != null && !AWS_KMS.equals(sse.algorithm)) {
            // silently dropping the key would store objects under another key than the one named
            throw new IllegalArgumentException("s3.kms-key-id (S3_KMS_KEY_ID) is set, so s3.server-side-encryption "
                    + "(S3_SERVER_SIDE_ENCRYPTION) must be " + AWS_KMS + " (was " + (value.isEmpty() ? "empty" : setting) + ")");
        }
        return sse;
    }

    public static ServerSideEncryption none() {
        return NONE;
    }

    /** Without a key id, aws:kms means the bucket's default KMS key, else the account's aws/s3 key. */
    public void applyTo(PutObjectRequest.Builder put) {
        if (algorithm != null) {
            put.serverSideEncryption(algorithm);
        }
        if (kmsKeyId != null) {
            put.ssekmsKeyId(kmsKeyId);
        }
    }

    @Override
    public String toString() {
        return algorithm == null ? "none" : kmsKeyId == null ? algorithm : algorithm + " (key " + kmsKeyId + ")";
    }
}
