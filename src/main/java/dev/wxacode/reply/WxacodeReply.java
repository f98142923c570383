package dev.wxacode.reply;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.wxacode.store.DisplayUrls;
import dev.wxacode.store.StoredCode;

/** The answer to one request, the same on every ingress. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"requestId", "status", "fileId", "bucket", "key", "contentType", "size", "sha256", "reused", "url",
        "urlExpiresAt", "error"})
public record WxacodeReply(String requestId, String status, String fileId, String bucket, String key,
                           String contentType, Long size, String sha256, Boolean reused, String url,
                           String urlExpiresAt, ReplyError error) {

    /** @param displayUrl a presigned GET URL of the image, or null when they are switched off */
    public static WxacodeReply ok(String requestId, StoredCode code, DisplayUrls.DisplayUrl displayUrl) {
        return new WxacodeReply(requestId, "ok", code.fileId(), code.bucket(), code.key(), code.contentType(),
                code.size(), code.sha256(), code.reused(), displayUrl == null ? null : displayUrl.url(),
                displayUrl == null ? null : displayUrl.expiresAt().toString(), null);
    }

    public static WxacodeReply error(String requestId, ReplyError error) {
        return new WxacodeReply(requestId, "error", null, null, null, null, null, null, null, null, null, error);
    }
}
