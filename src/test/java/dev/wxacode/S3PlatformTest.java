package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import dev.wxacode.local.LocalS3;
import dev.wxacode.local.LocalStack;
import dev.wxacode.local.RecordingRelay;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;

/**
 * S3 as platform teams run it (docs/operations.md, "S3 in production"): the region from the SDK's chain, the
 * server-side encryption asked for on every put, the object tags. S3Proxy keeps and reports an
 * object's encryption, so that is read back from the store; it has no object tags (x-amz-tagging
 * is answered 501), so the tags are read off the wire, through a relay in front of it.
 */
class S3PlatformTest extends PipelineTestSupport {

    private static final String KMS_KEY = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    private static final String PROBE_KEY = "wxacode/.readiness";

    @Test
    void kmsEncryptionIsAskedForOnEveryPutTheReadinessProbeIncluded() throws Exception {
        try {
            restartWith(Map.of("s3.server-side-encryption", "aws:kms", "s3.kms-key-id", KMS_KEY));
            s3.deleteObject(b -> b.bucket(LocalStack.BUCKET).key(PROBE_KEY));

            HttpResponse<String> ready = management("/observe/health/ready");
            Reply reply = post("{\"scene\":\"sse-kms\"}");

            assertEquals(200, ready.statusCode(), ready.body());
            assertEquals(200, reply.status(), reply.body().toString());
            for (String key : List.of(reply.text("key"), PROBE_KEY)) {
                HeadObjectResponse head = s3.headObject(b -> b.bucket(LocalStack.BUCKET).key(key));
                assertEquals(ServerSideEncryption.AWS_KMS, head.serverSideEncryption(), key);
                assertEquals(KMS_KEY, head.ssekmsKeyId(), key);
            }
        } finally {
            restartWithDefaults();
        }
    }

    @Test
    void aes256IsAskedForOverTheBucketsDefault() throws Exception {
        // a bucket defaulting to KMS tells an object put with AES256 from one put asking nothing
        s3.putBucketEncryption(b -> b.bucket(LocalStack.BUCKET).serverSideEncryptionConfiguration(c -> c.rules(
                r -> r.applyServerSideEncryptionByDefault(d -> d.sseAlgorithm(ServerSideEncryption.AWS_KMS).kmsMasterKeyID(KMS_KEY)))));
        try {
            Reply asIs = post("{\"scene\":\"sse-default\"}");
            restartWith(Map.of("s3.server-side-encryption", "AES256"));
            Reply aes = post("{\"scene\":\"sse-aes256\"}");

            assertEquals(200, aes.status(), aes.body().toString());
            assertEquals(ServerSideEncryption.AWS_KMS, head(asIs.text("key")).serverSideEncryption(), "nothing asked: the bucket's default");
            assertEquals(ServerSideEncryption.AES256, head(aes.text("key")).serverSideEncryption());
        } finally {
            s3.deleteBucketEncryption(b -> b.bucket(LocalStack.BUCKET));
            restartWithDefaults();
        }
    }

    @Test
    void everyCodeGoesOutTaggedWithItsAppAndType() throws Exception {
        stack.s3().serveIgnoringUnknownHeaders();
        try (RecordingRelay relay = RecordingRelay.to(stack.s3().endpoint())) {
            restartWith(Map.of("s3.endpoint", relay.endpoint().toString(), "s3.object-tags", "true"));

            Reply unlimited = post("{\"scene\":\"tagged\"}");
            Reply limited = post("{\"type\":\"limited\",\"path\":\"pages/tagged?id=1\"}");
            Reply qrcode = post("{\"type\":\"qrcode\",\"path\":\"pages/tagged?id=2\"}");
            HttpResponse<String> ready = management("/observe/health/ready");

            assertEquals(200, ready.statusCode(), ready.body());
            assertEquals("app=default&type=unlimited", taggingOfPut(relay, unlimited.text("key")));
            assertEquals("app=default&type=limited", taggingOfPut(relay, limited.text("key")));
            assertEquals("app=default&type=qrcode", taggingOfPut(relay, qrcode.text("key")));
            assertEquals("type=readiness", taggingOfPut(relay, PROBE_KEY));
        } finally {
            stack.s3().resumeServing();
            restartWithDefaults();
        }
    }

    @Test
    void aStoreWithoutObjectTagsShowsNotReadyNamingTheSetting() throws Exception {
        try {
            restartWith(Map.of("s3.object-tags", "true"));

            HttpResponse<String> ready = management("/observe/health/ready");

            assertEquals(503, ready.statusCode(), ready.body());
            JsonNode bucket = healthCheck(ready, "s3-bucket");
            assertTrue(bucket.path("message").asText().contains("s3.object-tags=false"), bucket.toString());
        } finally {
            restartWithDefaults();
        }
    }

    @Test
    void anEmptyRegionIsTheSdksChains() throws Exception {
        // the chain reads the aws.region system property first, before AWS_REGION
        System.setProperty("aws.region", "eu-north-1");
        try (RecordingRelay relay = RecordingRelay.to(stack.s3().endpoint())) {
            restartWith(Map.of("s3.region", "", "s3.endpoint", relay.endpoint().toString(),
                    "wxacode.display-url.lifetime-seconds", "60"));

            Reply reply = post("{\"scene\":\"region-chain\"}");

            assertEquals(200, reply.status(), reply.body().toString());
            String put = headOfPut(relay, reply.text("key"));
            assertTrue(put.contains("/eu-north-1/s3/aws4_request"), "the client signs for the chain's region: " + put);
            assertTrue(reply.text("url").contains("%2Feu-north-1%2Fs3%2Faws4_request"), "and so does the presigner: " + reply.text("url"));
        } finally {
            System.clearProperty("aws.region");
            restartWithDefaults();
        }
    }

    @Test
    void aCustomEndpointWithNoRegionAnywhereSignsForUsEast1() throws Exception {
        // the chain for a custom endpoint: aws.region, AWS_REGION, the profile (not instance metadata)
        assumeTrue(System.getenv("AWS_REGION") == null && System.getProperty("aws.region") == null
                && System.getenv("AWS_CONFIG_FILE") == null && !Files.exists(Path.of(System.getProperty("user.home"), ".aws")),
                "this machine names a region of its own");
        try {
            restartWith(Map.of("s3.region", "", "wxacode.display-url.lifetime-seconds", "60"));

            Reply reply = post("{\"scene\":\"region-fallback\"}");

            assertEquals(200, reply.status(), reply.body().toString());
            assertTrue(reply.text("url").contains("%2Fus-east-1%2Fs3%2Faws4_request"), reply.text("url"));
        } finally {
            restartWithDefaults();
        }
    }

    @Test
    void anUnknownEncryptionIsRefusedAtStartNamingTheSetting() throws Exception {
        assertRefused(Map.of("s3.server-side-encryption", "aws:kms:dsse"), "s3.server-side-encryption (S3_SERVER_SIDE_ENCRYPTION)");
    }

    @Test
    void aKmsKeyWithoutKmsEncryptionIsRefusedAtStart() throws Exception {
        assertRefused(Map.of("s3.server-side-encryption", "AES256", "s3.kms-key-id", KMS_KEY), "s3.kms-key-id (S3_KMS_KEY_ID)");
    }

    @Test
    void aRegionThatIsNoRegionNameIsRefusedAtStart() throws Exception {
        assertRefused(Map.of("s3.region", "eu west 1"), "s3.region (S3_REGION)");
    }

    private static void assertRefused(Map<String, String> settings, String naming) throws Exception {
        try {
            Exception failed = assertThrows(Exception.class, () -> restartWith(settings));
            IllegalArgumentException refused = illegalArgumentIn(failed);
            assertNotNull(refused, failed.toString());
            assertTrue(refused.getMessage().contains(naming), refused.getMessage());
        } finally {
            restartWithDefaults();
        }
    }

    private static HeadObjectResponse head(String key) {
        return s3.headObject(b -> b.bucket(LocalStack.BUCKET).key(key));
    }

    /** The x-amz-tagging header of the put of this key, as sent. */
    private static String taggingOfPut(RecordingRelay relay, String key) {
        String put = headOfPut(relay, key);
        for (String line : put.split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("x-amz-tagging:")) {
                return line.substring(line.indexOf(':') + 1).trim();
            }
        }
        throw new AssertionError("no x-amz-tagging on " + put);
    }

    private static String headOfPut(RecordingRelay relay, String key) {
        String requestLine = "PUT /" + LocalStack.BUCKET + "/" + key + " ";
        return relay.requestHeads().stream().filter(h -> h.startsWith(requestLine)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + requestLine + "in " + relay.requestHeads()));
    }

    private static void restartWith(Map<String, String> settings) throws Exception {
        stack.stopApp();
        settings.forEach(stack::with);
        stack.startApp();
    }

    /** What LocalStack and PipelineTestSupport start with. */
    private static void restartWithDefaults() throws Exception {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("s3.endpoint", stack.s3().endpoint().toString());
        defaults.put("s3.region", LocalS3.REGION);
        defaults.put("s3.server-side-encryption", "");
        defaults.put("s3.kms-key-id", "");
        defaults.put("s3.object-tags", "false");
        defaults.put("wxacode.display-url.lifetime-seconds", "0");
        restartWith(defaults);
    }
}
