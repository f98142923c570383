package dev.wxacode.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;

/**
 * Which region the client signs for. The paths where the SDK's chain finds nothing are tested
 * here, with a chain that finds nothing: for AWS itself the real one asks EC2 instance metadata,
 * seconds off EC2 (S3PlatformTest starts the service with a custom endpoint and no region).
 */
class S3RegionTest {

    private static final AwsRegionProvider FINDS_NOTHING = () -> {
        throw SdkClientException.create("Unable to load region from any of the providers in the chain");
    };
    private static final AwsRegionProvider NOT_TO_BE_ASKED = () -> {
        throw new AssertionError("the chain was asked though s3.region is set");
    };

    @Test
    void aSettingWinsWithoutAskingTheChain() {
        assertEquals(Region.AP_SOUTHEAST_1, S3Region.decide(" ap-southeast-1 ", "", NOT_TO_BE_ASKED));
    }

    @Test
    void anEmptySettingIsTheChains() {
        assertEquals(Region.EU_CENTRAL_1, S3Region.decide("", "", () -> Region.EU_CENTRAL_1));
        assertEquals(Region.EU_CENTRAL_1, S3Region.decide(null, "http://minio:9000", () -> Region.EU_CENTRAL_1));
    }

    @Test
    void awsWithNoRegionAnywhereIsRefusedNamingTheSetting() {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> S3Region.decide("", "", FINDS_NOTHING));

        assertTrue(refused.getMessage().contains("s3.region (S3_REGION)"), refused.getMessage());
        assertTrue(refused.getMessage().contains("AWS_REGION"), refused.getMessage());
    }

    @Test
    void aCustomEndpointWithNoRegionAnywhereSignsForUsEast1() {
        assertEquals(Region.US_EAST_1, S3Region.decide("", "http://minio:9000", FINDS_NOTHING));
    }

    @Test
    void somethingThatIsNoRegionNameIsRefused() {
        for (String bad : new String[] {"eu west 1", "eu-west-1/", "-eu", "https://s3.eu-west-1.amazonaws.com"}) {
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> S3Region.decide(bad, "", NOT_TO_BE_ASKED), bad);
            assertTrue(refused.getMessage().contains("s3.region (S3_REGION)"), refused.getMessage());
        }
    }
}
