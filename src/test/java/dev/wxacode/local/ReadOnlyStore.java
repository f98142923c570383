package dev.wxacode.local;

import java.io.InputStream;

import org.gaul.s3proxy.blobstore.BlobStore;
import org.gaul.s3proxy.blobstore.ForwardingBlobStore;
import org.gaul.s3proxy.blobstore.S3Exceptions;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.PutObjectResponse;

/**
 * A store that refuses every put with 403, as S3 does for credentials that may read but not
 * write. (S3Proxy's own read-only store answers 500, not what S3 says.)
 */
final class ReadOnlyStore extends ForwardingBlobStore {

    ReadOnlyStore(BlobStore store) {
        super(store);
    }

    @Override
    public PutObjectResponse putBlob(PutObjectRequest request, InputStream content) {
        throw S3Exceptions.fromStatusCode(403);
    }
}
