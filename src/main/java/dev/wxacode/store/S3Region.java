package dev.wxacode.store;

import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;

/**
 * The region the S3 client and the presigner sign for. s3.region when set; else the SDK's own
 * chain, so a platform's AWS_REGION, profile or instance metadata decides as for any AWS client.
 * When nothing names one: AWS itself cannot be addressed, so start-up is refused naming the
 * setting; an S3-compatible store (s3.endpoint set) gets us-east-1, because SigV4 needs some
 * region and MinIO, Ceph and S3Proxy accept it unless configured otherwise.
 * <p>
 * With s3.endpoint set the chain stops before instance metadata: the region an EC2 host is in says
 * nothing about what a MinIO or Ceph store expects, and asking for it off EC2 holds the start
 * (2.7 s measured) until the metadata service is given up.
 */
public final class S3Region {

    static final Region CUSTOM_ENDPOINT_FALLBACK = Region.US_EAST_1;

    private static final Logger LOG = LoggerFactory.getLogger(S3Region.class);
    /** A host label, as S3's endpoint rules require of a region; underscores for Ceph zonegroups. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,62}");

    private S3Region() {
    }

    /** @see #decide(String, String, AwsRegionProvider) with the chain as described above */
    public static Region decide(String setting, String endpoint) {
        AwsRegionProvider chain = isBlank(endpoint)
                ? DefaultAwsRegionProviderChain.builder().build()
                : new AwsRegionProviderChain(new SystemSettingsRegionProvider(), new AwsProfileRegionProvider());
        return decide(setting, endpoint, chain);
    }

    /**
     * @param setting  s3.region
     * @param endpoint s3.endpoint (empty: AWS)
     * @param chain    the SDK's region chain; asked only when the setting is empty
     */
    public static Region decide(String setting, String endpoint, AwsRegionProvider chain) {
        if (!isBlank(setting)) {
            String name = setting.trim();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("s3.region (S3_REGION) must be a region name such as eu-west-1 (was "
                        + setting + ")");
            }
            return Region.of(name);
        }
        try {
            Region found = chain.getRegion();
            LOG.info("S3 region {} from the AWS SDK's region chain (s3.region is empty)", found.id());
            return found;
        } catch (SdkClientException e) {
            if (isBlank(endpoint)) {
                throw new IllegalArgumentException("no S3 region: s3.region (S3_REGION) is empty and the AWS SDK found none "
                        + "(AWS_REGION, the aws.region system property, the profile's region in ~/.aws/config, "
                        + "EC2/ECS instance metadata); set one of them", e);
            }
            LOG.info("S3 region {} for s3.endpoint {}: s3.region (S3_REGION) is empty, as are AWS_REGION and the "
                    + "profile's; set it if the store expects another", CUSTOM_ENDPOINT_FALLBACK.id(), endpoint);
            return CUSTOM_ENDPOINT_FALLBACK;
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
