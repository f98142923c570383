package dev.wxacode.core;

/**
 * A failure that the caller is told about. Each subclass fixes how it is answered (HTTP status,
 * error code, whether trying again later can help), so the error policy stays one mapping.
 * Messages are written for the caller: they never carry a token, a secret or a storage key.
 */
public abstract class WxacodeException extends RuntimeException {

    protected WxacodeException(String message) {
        super(message);
    }

    protected WxacodeException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Stable machine-readable code, e.g. {@code invalid_request}. */
    public abstract String code();

    public abstract int httpStatus();

    public abstract boolean retryable();

    /** The WeChat errcode behind the failure, if there was one. */
    public Integer errcode() {
        return null;
    }
}
