package dev.wxacode.steps;

import java.util.LinkedHashMap;
import java.util.Map;

import dev.wxacode.apps.MiniPrograms;
import dev.wxacode.core.CodeKind;
import dev.wxacode.core.FlowProperties;
import dev.wxacode.core.ImageFormat;
import dev.wxacode.core.StoredCode;
import dev.wxacode.request.WxacodeRequest;
import dev.wxacode.store.KnownObjects;
import dev.wxacode.store.ObjectKeys;
import dev.wxacode.store.ObjectMetadata;
import org.apache.camel.Body;
import org.apache.camel.ExchangeProperty;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;

/** The steps around the aws2-s3 calls: which key to look at, what to put, what was found. */
public final class CodeStorage {

    private final MiniPrograms programs;
    private final String bucket;
    private final KnownObjects known;

    public CodeStorage(MiniPrograms programs, String bucket, KnownObjects known) {
        this.programs = programs;
        this.bucket = bucket;
        this.known = known;
    }

    /** The object key of the request: the app's prefix and a hash of the request's effective parameters. */
    public String locate(@ExchangeProperty(FlowProperties.REQUEST) WxacodeRequest request) {
        return programs.of(request).keys().keyFor(request);
    }

    /** The code, when this instance saw the object lately (see {@link KnownObjects}); else null. */
    public StoredCode recall(@ExchangeProperty(FlowProperties.OBJECT_KEY) String key) {
        return known.recall(key).orElse(null);
    }

    /** An object already exists under the key (headObject succeeded): the code to answer with. */
    public StoredCode found(@Body HeadObjectResponse head, @ExchangeProperty(FlowProperties.OBJECT_KEY) String key) {
        StoredCode code = new StoredCode(bucket, key, head.contentType(), head.contentLength(),
                head.metadata().get(ObjectMetadata.SHA256), true);
        known.remember(code);
        return code;
    }

    /** The object the image in the body becomes: key, Content-Type, size and SHA-256; S3 has not confirmed it yet. */
    public StoredCode pending(@Body byte[] image, @ExchangeProperty(FlowProperties.IMAGE_FORMAT) ImageFormat format,
                              @ExchangeProperty(FlowProperties.OBJECT_KEY) String key) {
        return new StoredCode(bucket, key, format.contentType(), image.length, ObjectKeys.sha256Hex(image), false);
    }

    /** What the code opens, for whoever browses the bucket; all visible ASCII, as S3 metadata must be. */
    public Map<String, String> metadata(@ExchangeProperty(FlowProperties.REQUEST) WxacodeRequest request,
                                        @ExchangeProperty(FlowProperties.PENDING) StoredCode pending) {
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put(ObjectMetadata.APP, request.effectiveApp());
        metadata.put(ObjectMetadata.TYPE, request.effectiveType().wireName());
        if (request.effectiveType() == CodeKind.UNLIMITED) {
            metadata.put("scene", request.scene());
            metadata.put("page", request.effectivePage());
        } else {
            metadata.put("path", request.path());
        }
        if (request.effectiveType() != CodeKind.QRCODE) {
            metadata.put("env-version", request.effectiveEnvVersion());
        }
        metadata.put(ObjectMetadata.SHA256, pending.sha256());
        return metadata;
    }

    /** The putObject succeeded: the code it stored. */
    public StoredCode stored(@ExchangeProperty(FlowProperties.PENDING) StoredCode code) {
        known.remember(code);
        return code;
    }
}
