package dev.wxacode.store;

import dev.wxacode.core.WxacodeException;

/** The bucket cannot be used: missing, access denied, or S3 unreachable. Not the request's fault. */
public final class StorageUnavailableException extends WxacodeException {

    public StorageUnavailableException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "storage_unavailable";
    }

    @Override
    public int httpStatus() {
        return 503;
    }

    @Override
    public boolean retryable() {
        return true;
    }
}
