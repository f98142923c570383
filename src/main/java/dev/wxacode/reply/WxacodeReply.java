package dev.wxacode.reply;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import dev.wxacode.core.StoredCode;
import dev.wxacode.store.DisplayUrls;

/** The answer to one request, the same on every ingress. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"requestId", "status", "fileId", "bucket", "key", "contentType", "size", "sha256", "reused", "numUsed",
        "url", "urlExpiresAt", "error"})
public record WxacodeReply(String requestId, String status, String fileId, String bucket, String key,
                           String contentType, Long size, String sha256, Boolean reused, Integer numUsed, String url,
                           String urlExpiresAt, ReplyError error) {

    /**
     * @param numUsed    WeChat's count of the app's limited codes after this one, when one was made
     * @param displayUrl a presigned GET URL of the image, or null when they are switched off
     */
    public static WxacodeReply ok(String requestId, StoredCode code, Integer numUsed, DisplayUrls.DisplayUrl displayUrl) {
        return new WxacodeReply(requestId, "ok", code.fileId(), code.bucket(), code.key(), code.contentType(),
                code.size(), code.sha256(), code.reused(), numUsed, displayUrl == null ? null : displayUrl.url(),
                displayUrl == null ? null : displayUrl.expiresAt().toString(), null);
    }

    public static WxacodeReply error(String requestId, ReplyError error) {
        return new WxacodeReply(requestId, "error", null, null, null, null, null, null, null, null, null, null, error);
    }
}
