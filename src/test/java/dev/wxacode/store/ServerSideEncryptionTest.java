package dev.wxacode.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/** s3.server-side-encryption and s3.kms-key-id, as they turn into a putObject's headers. */
class ServerSideEncryptionTest {

    @Test
    void emptyAsksForNothing() {
        PutObjectRequest put = applied(ServerSideEncryption.of("", ""));

        assertNull(put.serverSideEncryptionAsString());
        assertNull(put.ssekmsKeyId());
    }

    @Test
    void aes256IsSseS3() {
        assertEquals("AES256", applied(ServerSideEncryption.of("AES256", "")).serverSideEncryptionAsString());
        assertEquals("AES256", applied(ServerSideEncryption.of(" aes256 ", null)).serverSideEncryptionAsString());
    }

    @Test
    void kmsWithoutAKeyLeavesTheKeyToTheBucket() {
        PutObjectRequest put = applied(ServerSideEncryption.of("aws:kms", ""));

        assertEquals("aws:kms", put.serverSideEncryptionAsString());
        assertNull(put.ssekmsKeyId());
    }

    @Test
    void kmsWithAKeyNamesIt() {
        PutObjectRequest put = applied(ServerSideEncryption.of("aws:kms", " alias/wxacode "));

        assertEquals("aws:kms", put.serverSideEncryptionAsString());
        assertEquals("alias/wxacode", put.ssekmsKeyId());
    }

    @Test
    void anUnknownValueIsRefusedNamingTheSetting() {
        for (String bad : new String[] {"SSE-S3", "aws:kms:dsse", "true"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> ServerSideEncryption.of(bad, ""));
            assertTrue(refused.getMessage().contains("s3.server-side-encryption (S3_SERVER_SIDE_ENCRYPTION)"), refused.getMessage());
        }
    }

    @Test
    void aKeyWithoutKmsIsRefusedRatherThanDropped() {
        for (String algorithm : new String[] {"", "AES256"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> ServerSideEncryption.of(algorithm, "alias/wxacode"));
            assertTrue(refused.getMessage().contains("s3.kms-key-id (S3_KMS_KEY_ID)"), refused.getMessage());
        }
    }

    private static PutObjectRequest applied(ServerSideEncryption sse) {
        PutObjectRequest.Builder put = PutObjectRequest.builder().bucket("b").key("k");
        sse.applyTo(put);
        return put.build();
    }
}
