package dev.wxacode.request;

import dev.wxacode.core.WxacodeException;

public final class RequestTooLargeException extends WxacodeException {

    public RequestTooLargeException(int size, int limit) {
        super("body is " + size + " bytes; the limit is " + limit + " bytes");
    }

    @Override
    public String code() {
        return "payload_too_large";
    }

    @Override
    public int httpStatus() {
        return 413;
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
