package dev.wxacode.http;

import dev.wxacode.core.WxacodeException;
import dev.wxacode.text.Untrusted;

public final class UnsupportedMediaTypeException extends WxacodeException {

    public UnsupportedMediaTypeException(String contentType) {
        super("Content-Type must be application/json (was " + (contentType == null ? "missing" : Untrusted.quoted(contentType)) + ")");
    }

    @Override
    public String code() {
        return "unsupported_media_type";
    }

    @Override
    public int httpStatus() {
        return 415;
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
