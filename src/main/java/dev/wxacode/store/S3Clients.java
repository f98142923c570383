package dev.wxacode.store;

import java.net.URI;
import java.time.Duration;

import dev.wxacode.core.Settings;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * The S3 client (picked up by camel-aws2-s3) and the presigner of display URLs, for the same store,
 * addressing and credentials, from the s3.* settings. The region is decided once for both (see
 * {@link S3Region}): the SDK's chain may ask instance metadata, over the network.
 */
public final class S3Clients {

    private final String endpoint;
    private final String regionSetting;
    private final String accessKey;
    private final String secretKey;
    private final boolean forcePathStyle;
    private Region region;

    public S3Clients(String endpoint, String regionSetting, String accessKey, String secretKey, boolean forcePathStyle) {
        this.endpoint = endpoint;
        this.regionSetting = regionSetting;
        this.accessKey = accessKey;
        this.secretKey = secretKey;
        this.forcePathStyle = forcePathStyle;
    }

    /** For the store of s3.endpoint, s3.region, s3.access-key, s3.secret-key and s3.force-path-style. */
    public static S3Clients of(Settings settings) {
        return new S3Clients(settings.text("s3.endpoint"), settings.text("s3.region"), settings.text("s3.access-key"),
                settings.text("s3.secret-key"), settings.flag("s3.force-path-style"));
    }

    /** {@link #client(String, String, String, boolean)} as s3.checksums, s3.server-side-encryption, s3.kms-key-id and s3.object-tags say. */
    public S3Client client(Settings settings) {
        return client(settings.text("s3.checksums"), settings.text("s3.server-side-encryption"), settings.text("s3.kms-key-id"),
                settings.flag("s3.object-tags"));
    }

    /** One client for AWS or any S3-compatible store; every put asks for the encryption and tags set. */
    public S3Client client(String checksums, String encryption, String kmsKeyId, boolean objectTags) {
        boolean everyCall = switch (checksums.trim()) {
            case "when-supported" -> true;
            case "when-required" -> false;
            default -> throw new IllegalArgumentException("s3.checksums must be when-required or when-supported (was " + checksums + ")");
        };
        PutObjectSettings puts = new PutObjectSettings(ServerSideEncryption.of(encryption, kmsKeyId), ObjectTags.enabled(objectTags));
        S3ClientBuilder builder = S3Client.builder()
                .region(region())
                .overrideConfiguration(c -> c.addExecutionInterceptor(puts))
                .forcePathStyle(forcePathStyle)
                .requestChecksumCalculation(everyCall ? RequestChecksumCalculation.WHEN_SUPPORTED : RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(everyCall ? ResponseChecksumValidation.WHEN_SUPPORTED : ResponseChecksumValidation.WHEN_REQUIRED);
        if (!isBlank(endpoint)) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return builder.credentialsProvider(credentials()).build();
    }

    /** Presigned GET URLs valid this many seconds; 0: none. */
    public DisplayUrls displayUrls(int lifetimeSeconds) {
        if (lifetimeSeconds == 0) {
            return DisplayUrls.off();
        }
        S3Presigner.Builder builder = S3Presigner.builder()
                .region(region())
                .credentialsProvider(credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(forcePathStyle).build());
        if (!isBlank(endpoint)) {
            builder.endpointOverride(URI.create(endpoint));
        }
        return DisplayUrls.signedBy(builder.build(), Duration.ofSeconds(lifetimeSeconds));
    }

    private synchronized Region region() {
        if (region == null) {
            region = S3Region.decide(regionSetting, endpoint);
        }
        return region;
    }

    /**
     * Static keys when configured, else the AWS default chain: AWS_* variables, web identity (IRSA:
     * AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, through the sts module camel-aws2-s3 brings),
     * profile, container and instance roles.
     */
    private AwsCredentialsProvider credentials() {
        if (isBlank(accessKey)) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey));
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
