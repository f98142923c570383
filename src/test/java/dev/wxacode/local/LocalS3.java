package dev.wxacode.local;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gaul.s3proxy.S3Proxy;
import org.gaul.s3proxy.auth.AuthenticationType;
import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.nio2blob.FilesystemNio2BlobStore;
import org.gaul.s3proxy.nio2blob.TransientNio2BlobStore;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketAlreadyOwnedByYouException;

/** An in-process S3 server (S3Proxy) with SigV4 authentication, in memory or in a folder. */
public final class LocalS3 implements AutoCloseable {

    public static final String ACCESS_KEY = "local-access-key";
    public static final String SECRET_KEY = "local-secret-key-0123456789";
    public static final String REGION = "us-east-1";

    private final BlobStore store;
    private final URI endpoint;
    private S3Proxy proxy;

    private LocalS3(BlobStore store, URI endpoint) {
        this.store = store;
        this.endpoint = endpoint;
    }

    /** @param folder where objects are kept across restarts, or null to keep them in memory */
    public static LocalS3 start(String host, int port, Path folder, String bucket) throws Exception {
        BlobStore store;
        if (folder == null) {
            store = new TransientNio2BlobStore();
        } else {
            Files.createDirectories(folder);
            store = new FilesystemNio2BlobStore(folder.toAbsolutePath().toString());
        }
        LocalS3 s3 = new LocalS3(store, URI.create("http://" + host + ":" + port));
        s3.resumeServing();
        try (S3Client client = s3.client()) {
            client.createBucket(b -> b.bucket(bucket));
        } catch (BucketAlreadyOwnedByYouException e) {
            // kept from an earlier run
        }
        return s3;
    }

    /** An outage: the port stops answering; the objects stay in the store. */
    public void stopServing() throws Exception {
        proxy.stop();
        proxy = null;
    }

    /** Serves the same store again on the same port. */
    public void resumeServing() throws Exception {
        serve(store);
    }

    /** Reads are answered, puts refused with 403: credentials without s3:PutObject. */
    public void serveReadOnly() throws Exception {
        stopServing();
        serve(new ReadOnlyStore(store));
    }

    /**
     * Serves on as a store that takes x-amz-tagging and drops it, where S3Proxy otherwise answers
     * 501 NotImplemented (it has no object tags): lets a test see the tags the service sends, on
     * the wire (RecordingRelay), with puts succeeding. Until {@link #resumeServing()}.
     */
    public void serveIgnoringUnknownHeaders() throws Exception {
        serve(store, true);
    }

    private void serve(BlobStore served) throws Exception {
        serve(served, false);
    }

    private void serve(BlobStore served, boolean ignoreUnknownHeaders) throws Exception {
        if (proxy != null) {
            proxy.stop();
        }
        proxy = S3Proxy.builder()
                .blobStore(served)
                .endpoint(endpoint)
                .awsAuthentication(AuthenticationType.AWS_V4, ACCESS_KEY, SECRET_KEY)
                .ignoreUnknownHeaders(ignoreUnknownHeaders)
                .build();
        proxy.start();
        while (!"STARTED".equals(proxy.getState())) {
            Thread.sleep(10);
        }
    }

    public URI endpoint() {
        return endpoint;
    }

    /** A client as any S3 user would build one; tests read objects back with it. */
    public S3Client client() {
        return S3Client.builder()
                .endpointOverride(endpoint)
                .region(Region.of(REGION))
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }

    @Override
    public void close() throws Exception {
        if (proxy != null) {
            proxy.stop();
        }
    }
}
