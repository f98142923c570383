package dev.wxacode.token;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.core.WechatUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokens from the company's central token service instead of from WeChat. WeChat advises one
 * service that owns an app's token, so that nothing else renews it and invalidates the copy others
 * hold. GET on the configured URL, answered in WeChat's own shape:
 * {"access_token": "...", "expires_in": 7200}, or WeChat's errcode passed on.
 */
public final class TokenServiceClient implements TokenSource {

    private static final Logger LOG = LoggerFactory.getLogger(TokenServiceClient.class);
    private static final String WHAT = "the token service";

    private final HttpClient http;
    private final ObjectMapper mapper;
    private final String app;
    private final URI url;
    private final String apiKey;
    private final Duration responseTimeout;
    private final TokenRequestHeaders extraHeaders;

    /**
     * @param url    the service's URL for this app ({appid} already replaced)
     * @param apiKey sent as "Authorization: Bearer {apiKey}"; blank for none
     */
    public TokenServiceClient(ObjectMapper mapper, String app, String url, String apiKey, Duration connectTimeout,
                              Duration responseTimeout, TokenRequestHeaders extraHeaders) {
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.mapper = mapper;
        this.app = app;
        this.url = URI.create(url);
        this.apiKey = apiKey == null ? "" : apiKey.trim();
        this.responseTimeout = responseTimeout;
        this.extraHeaders = extraHeaders;
    }

    @Override
    public AccessToken fetch() {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(responseTimeout).GET();
        if (!apiKey.isEmpty()) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        extraHeaders.addTo(request::header);
        HttpResponse<byte[]> response = TokenAnswer.send(http, request.build(), WHAT);
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw TokenConfigurationException.fromTokenService(status,
                    "check wechat.token.service.api-key (WECHAT_TOKEN_SERVICE_API_KEY)");
        }
        if (status == 404) {
            throw TokenConfigurationException.fromTokenService(status, "check wechat.token.service.url (WECHAT_TOKEN_SERVICE_URL)");
        }
        if (status != 200) {
            throw WechatUnavailableException.unavailable(WHAT, "HTTP " + status);
        }
        AccessToken token = TokenAnswer.read(mapper, response.body(), WHAT, app, this::scrub);
        LOG.info("Fetched an access token for app {} from the token service, valid for {} s", app, token.expiresInSeconds());
        return token;
    }

    private String scrub(String text) {
        return apiKey.isEmpty() ? text : text.replace(apiKey, "****");
    }
}
