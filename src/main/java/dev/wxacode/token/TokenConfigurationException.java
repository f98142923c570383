package dev.wxacode.token;

import dev.wxacode.core.WxacodeException;
import dev.wxacode.request.WxacodeRequest;

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

    /** The setting to fix for each configuration errcode of the token endpoints, for the named app. */
    public static String hintFor(int errcode, String app) {
        String id = setting(app, "id");
        String secret = setting(app, "secret");
        String which = WxacodeRequest.DEFAULT_APP.equals(app) ? "" : " of app " + app;
        return switch (errcode) {
            case 40013 -> "the app id" + which + " is invalid; check " + id;
            case 40125 -> "the app secret" + which + " is invalid; check " + secret;
            case 40164 -> "this server's IP address is not on the API IP whitelist" + which + "; add it in the mini program admin console";
            case 40243 -> "the app secret" + which + " is frozen; reset it in the admin console and update " + secret;
            case 41002 -> "no app id is configured" + which + "; set " + id;
            case 41004 -> "no app secret is configured" + which + "; set " + secret;
            case 40002 -> "the grant type was refused; check wechat.token.endpoint";
            default -> null;
        };
    }

    /** e.g. "wechat.app.secret (WECHAT_APP_SECRET)" */
    private static String setting(String app, String name) {
        String key = AppSettings.key(app, name);
        return key + " (" + AppSettings.environmentName(key) + ")";
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
