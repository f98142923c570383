package dev.wxacode.token;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.core.WechatUnavailableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches access tokens from WeChat. Failures are reported without their causes' messages: the
 * classic endpoint carries the secret in its URL, and HTTP client exceptions like to quote URLs.
 */
public final class WechatTokenClient implements TokenSource {

    private static final Logger LOG = LoggerFactory.getLogger(WechatTokenClient.class);
    private static final String WHAT = "WeChat token endpoint";

    private final HttpClient http;
    private final ObjectMapper mapper;
    private final String baseUrl;
    private final String app;
    private final String appId;
    private final String appSecret;
    private final TokenEndpoint endpoint;
    private final Duration responseTimeout;
    private final TokenRequestHeaders extraHeaders;

    /** @param app the app's name in this service, which error messages use to name its settings */
    public WechatTokenClient(ObjectMapper mapper, String baseUrl, String app, String appId, String appSecret,
                             TokenEndpoint endpoint, Duration connectTimeout, Duration responseTimeout,
                             TokenRequestHeaders extraHeaders) {
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout).build();
        this.mapper = mapper;
        this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
        this.app = app;
        this.appId = appId;
        this.appSecret = appSecret;
        this.endpoint = endpoint;
        this.responseTimeout = responseTimeout;
        this.extraHeaders = extraHeaders;
    }

    @Override
    public AccessToken fetch() {
        HttpResponse<byte[]> response = TokenAnswer.send(http,
                endpoint == TokenEndpoint.STABLE ? stableTokenRequest() : classicTokenRequest(), WHAT);
        if (response.statusCode() != 200) {
            throw WechatUnavailableException.unavailable(WHAT, "HTTP " + response.statusCode());
        }
        AccessToken token = TokenAnswer.read(mapper, response.body(), WHAT, app, this::scrub);
        LOG.info("Fetched a WeChat access token for app {} from the {} endpoint, valid for {} s",
                app, endpoint.name().toLowerCase(), token.expiresInSeconds());
        return token;
    }

    private HttpRequest stableTokenRequest() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("grant_type", "client_credential");
        body.put("appid", appId);
        body.put("secret", appSecret);
        body.put("force_refresh", false);
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/cgi-bin/stable_token"))
                    .timeout(responseTimeout)
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(mapper.writeValueAsBytes(body)));
            extraHeaders.addTo(request::header);
            return request.build();
        } catch (IOException e) {
            throw new IllegalStateException("cannot write the stable_token request", e);
        }
    }

    private HttpRequest classicTokenRequest() {
        String query = "grant_type=client_credential&appid=" + encode(appId) + "&secret=" + encode(appSecret);
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl + "/cgi-bin/token?" + query))
                .timeout(responseTimeout)
                .GET();
        extraHeaders.addTo(request::header);
        return request.build();
    }

    /** WeChat does not echo secrets, but a proxy or a future errmsg might: never pass one on. */
    private String scrub(String text) {
        return appSecret.isEmpty() ? text : text.replace(appSecret, "****");
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
