package dev.wxacode.reply;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.wxacode.store.StoredCode;

/** The answer to one request, the same on every ingress. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"requestId", "status", "fileId", "bucket", "key", "contentType", "size", "sha256", "reused", "error"})
public record WxacodeReply(String requestId, String status, String fileId, String bucket, String key,
                           String contentType, Long size, String sha256, Boolean reused, ReplyError error) {

    public static WxacodeReply ok(String requestId, StoredCode code) {
        return new WxacodeReply(requestId, "ok", code.fileId(), code.bucket(), code.key(), code.contentType(),
                code.size(), code.sha256(), code.reused(), null);
    }

    public static WxacodeReply error(String requestId, ReplyError error) {
        return new WxacodeReply(requestId, "error", null, null, null, null, null, null, null, error);
    }
}
