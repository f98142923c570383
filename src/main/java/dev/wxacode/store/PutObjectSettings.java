package dev.wxacode.store;

import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Adds the configured encryption and the object's tags to every putObject of the service's S3
 * client. On the client, not in the route, because camel-aws2-s3 4.18's putObject has no header
 * for tags, sends a KMS encryption only when a key id is given, and because the readiness write
 * check puts with the same client and must ask for the same encryption (else a bucket policy
 * requiring SSE would deny the probe and keep the service "not ready").
 */
public final class PutObjectSettings implements ExecutionInterceptor {

    private final ServerSideEncryption encryption;
    private final ObjectTags tags;

    public PutObjectSettings(ServerSideEncryption encryption, ObjectTags tags) {
        this.encryption = encryption;
        this.tags = tags;
    }

    @Override
    public SdkRequest modifyRequest(Context.ModifyRequest context, ExecutionAttributes executionAttributes) {
        if (!(context.request() instanceof PutObjectRequest put)) {
            return context.request();
        }
        PutObjectRequest.Builder builder = put.toBuilder();
        encryption.applyTo(builder);
        tags.of(put.metadata()).ifPresent(builder::tagging);
        return builder.build();
    }
}
