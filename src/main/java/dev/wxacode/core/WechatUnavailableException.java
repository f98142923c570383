package dev.wxacode.core;

import dev.wxacode.core.WxacodeException;

/**
 * WeChat could not serve the call right now: busy (-1), over its rate limit, unreachable, slow, or
 * answering with an HTTP error. Trying again later can help, so the error policy retries these
 * with backoff before giving up.
 */
public final class WechatUnavailableException extends WxacodeException {

    private final boolean busy;
    private final Integer errcode;

    private WechatUnavailableException(String message, boolean busy, Integer errcode) {
        super(message);
        this.busy = busy;
        this.errcode = errcode;
    }

    /** WeChat answered, but asked us to come back later (-1, 45009, 45011). */
    public static WechatUnavailableException busy(String what, int errcode, String errmsg) {
        return new WechatUnavailableException(what + " is busy: errcode " + errcode + " (" + errmsg + ")", true, errcode);
    }

    /** No usable answer: connection failure, timeout, HTTP error status or an unreadable body. */
    public static WechatUnavailableException unavailable(String what, String why) {
        return new WechatUnavailableException(what + " is unavailable: " + why, false, null);
    }

    /** An answer we have no rule for; not the caller's fault, maybe better on a later try. */
    public static WechatUnavailableException unexpected(String what, int errcode, String errmsg) {
        return new WechatUnavailableException(what + " answered errcode " + errcode + " (" + errmsg + ")", false, errcode);
    }

    @Override
    public String code() {
        return busy ? "wechat_busy" : "wechat_unavailable";
    }

    @Override
    public int httpStatus() {
        return 503;
    }

    @Override
    public boolean retryable() {
        return true;
    }

    @Override
    public Integer errcode() {
        return errcode;
    }
}
