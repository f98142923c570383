package dev.wxacode.token;

import dev.wxacode.reply.WxacodeException;

/**
 * WeChat refused to issue a token because of how this service is set up (wrong app id or secret,
 * IP not whitelisted, frozen secret). No retry helps; the message says which setting to fix.
 */
public final class TokenConfigurationException extends WxacodeException {

    private final int errcode;

    public TokenConfigurationException(int errcode, String hint) {
        this("WeChat refused to issue an access token (errcode " + errcode + "): " + hint, errcode);
    }

    private TokenConfigurationException(String message, int errcode) {
        super(message);
        this.errcode = errcode;
    }

    /** The company's token service (wechat.token.service.url) refused this service, HTTP {@code status}. */
    public static TokenConfigurationException fromTokenService(int status, String hint) {
        return new TokenConfigurationException("the token service refused to hand out an access token (HTTP " + status + "): "
                + hint, 0);
    }

    /** The setting to fix for each configuration errcode of the token endpoints. */
    public static String hintFor(int errcode) {
        return switch (errcode) {
            case 40013 -> "the app id is invalid; check wechat.app.id (WECHAT_APP_ID)";
            case 40125 -> "the app secret is invalid; check wechat.app.secret (WECHAT_APP_SECRET)";
            case 40164 -> "this server's IP address is not on the app's API IP whitelist; add it in the mini program admin console";
            case 40243 -> "the app secret is frozen; reset it in the admin console and update wechat.app.secret (WECHAT_APP_SECRET)";
            case 41002 -> "no app id is configured; set wechat.app.id (WECHAT_APP_ID)";
            case 41004 -> "no app secret is configured; set wechat.app.secret (WECHAT_APP_SECRET)";
            case 40002 -> "the grant type was refused; check wechat.token.endpoint";
            default -> null;
        };
    }

    @Override
    public String code() {
        return "token_configuration";
    }

    @Override
    public int httpStatus() {
        return 500;
    }

    @Override
    public boolean retryable() {
        return false;
    }

    @Override
    public Integer errcode() {
        return errcode == 0 ? null : errcode;
    }
}
