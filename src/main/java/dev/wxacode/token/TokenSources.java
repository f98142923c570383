package dev.wxacode.token;

import java.time.Duration;
import java.util.List;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Where each app's tokens come from: WeChat itself (wechat.token.endpoint), or the company's token
 * service when wechat.token.service.url is set, then without the app secret.
 */
public final class TokenSources {

    /** In wechat.token.service.url: replaced by each app's id. */
    static final String APPID_PLACEHOLDER = "{appid}";

    private final ObjectMapper mapper;
    private final String baseUrl;
    private final TokenEndpoint endpoint;
    private final String serviceUrl;
    private final String serviceApiKey;
    private final Duration connectTimeout;
    private final Duration responseTimeout;
    private final TokenRequestHeaders headers;

    /** @param apps the apps served: with several, a service URL must tell them apart by {appid} */
    public TokenSources(ObjectMapper mapper, String baseUrl, String endpoint, String serviceUrl, String serviceApiKey,
                        Duration connectTimeout, Duration responseTimeout, TokenRequestHeaders headers, List<String> apps) {
        boolean service = serviceUrl != null && !serviceUrl.isBlank();
        if (service && apps.size() > 1 && !serviceUrl.contains(APPID_PLACEHOLDER)) {
            throw new IllegalArgumentException("wechat.token.service.url must contain " + APPID_PLACEHOLDER
                    + " when several apps are configured (wechat.apps=" + String.join(",", apps) + ")");
        }
        this.mapper = mapper;
        this.baseUrl = baseUrl;
        this.endpoint = TokenEndpoint.parse(endpoint);
        this.serviceUrl = service ? serviceUrl.trim() : null;
        this.serviceApiKey = serviceApiKey;
        this.connectTimeout = connectTimeout;
        this.responseTimeout = responseTimeout;
        this.headers = headers;
    }

    /** token-service or wechat: where the tokens come from, as traces and logs name it. */
    public String name() {
        return serviceUrl != null ? "token-service" : "wechat";
    }

    /** @param secret read only when the tokens come from WeChat */
    public TokenSource forApp(String app, String appId, Supplier<String> secret) {
        return serviceUrl != null
                ? new TokenServiceClient(mapper, app, serviceUrl.replace(APPID_PLACEHOLDER, appId), serviceApiKey,
                        connectTimeout, responseTimeout, headers)
                : new WechatTokenClient(mapper, baseUrl, app, appId, secret.get(), endpoint, connectTimeout, responseTimeout, headers);
    }
}
