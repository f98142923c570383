package dev.wxacode.wechat;

import dev.wxacode.core.WxacodeException;

/** WeChat refused the request itself (40097, 40129, 40169, 41030, 47001, 85096): resending it cannot help. */
public final class WechatRejectedException extends WxacodeException {

    private final int errcode;

    public WechatRejectedException(int errcode, String errmsg) {
        super("WeChat rejected the request: errcode " + errcode + " (" + errmsg + ")");
        this.errcode = errcode;
    }

    @Override
    public String code() {
        return "wechat_rejected";
    }

    @Override
    public int httpStatus() {
        return 422;
    }

    @Override
    public boolean retryable() {
        return false;
    }

    @Override
    public Integer errcode() {
        return errcode;
    }
}
