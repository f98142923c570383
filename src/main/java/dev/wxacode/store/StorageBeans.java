package dev.wxacode.store;

import java.time.Clock;
import java.time.Duration;

import dev.wxacode.core.Settings;
import org.apache.camel.BindToRegistry;
import org.apache.camel.CamelConfiguration;
import org.apache.camel.CamelContext;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The S3 client, the presigner of display URLs and the route's bucket check, for the store of the
 * s3.* settings. The client and the presigner come from one {@link S3Clients}, so that the region
 * is decided once; bound before the service's other beans, which take the client by name.
 */
public final class StorageBeans implements CamelConfiguration {

    private S3Clients s3;
    private S3Client client;

    /** Picked up by camel-aws2-s3 (autowired). */
    @BindToRegistry("s3Client")
    public S3Client s3Client(CamelContext context) {
        return client(context);
    }

    @BindToRegistry("displayUrls")
    public DisplayUrls displayUrls(CamelContext context) {
        return s3(context).displayUrls(new Settings(context).number("wxacode.display-url.lifetime-seconds"));
    }

    /** The route's bucket check (require-bucket): a good answer is trusted for a minute. */
    @BindToRegistry("bucketCheck")
    public BucketCheck bucketCheck(CamelContext context) {
        return new BucketCheck(client(context), new Settings(context).text("s3.bucket"), Clock.systemUTC(), Duration.ofMinutes(1));
    }

    private synchronized S3Clients s3(CamelContext context) {
        return s3 != null ? s3 : (s3 = S3Clients.of(new Settings(context)));
    }

    private synchronized S3Client client(CamelContext context) {
        return client != null ? client : (client = s3(context).client(new Settings(context)));
    }
}
