package dev.wxacode.http;

import dev.wxacode.core.WxacodeException;

public final class UnauthorizedException extends WxacodeException {

    public UnauthorizedException(String message) {
        super(message);
    }

    @Override
    public String code() {
        return "unauthorized";
    }

    @Override
    public int httpStatus() {
        return 401;
    }

    @Override
    public boolean retryable() {
        return false;
    }
}
