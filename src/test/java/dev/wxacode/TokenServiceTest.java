package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

import com.sun.net.httpserver.HttpServer;
import dev.wxacode.local.LocalStack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * wechat.token.service.url: tokens from a company's central token service, here a small one that
 * owns the app's secret and gets its token from the simulator, as a real one would from WeChat.
 */
class TokenServiceTest extends PipelineTestSupport {

    private static final String SERVICE_KEY = "central-token-service-key-7c1e";
    private static final String SHOP_ID = "wx0000000000tshop";
    private static final String SHOP_SECRET = "token-service-shop-secret-51ad";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private HttpServer central;
    private final AtomicInteger served = new AtomicInteger();
    private final java.util.Set<String> askedFor = java.util.concurrent.ConcurrentHashMap.newKeySet();

    @BeforeEach
    void startTheCentralTokenService() throws Exception {
        central = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        central.createContext("/token", exchange -> {
            byte[] answer;
            int status;
            if (!("Bearer " + SERVICE_KEY).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                status = 401;
                answer = "{\"error\":\"unauthorized\"}".getBytes(StandardCharsets.UTF_8);
            } else {
                served.incrementAndGet();
                String query = exchange.getRequestURI().getQuery();
                String appId = query != null && query.startsWith("appid=") ? query.substring("appid=".length()) : LocalStack.APP_ID;
                askedFor.add(appId);
                status = 200;
                answer = wechatStableToken(appId, appId.equals(SHOP_ID) ? SHOP_SECRET : LocalStack.APP_SECRET);
            }
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        central.start();
    }

    @AfterEach
    void stopTheCentralTokenService() throws Exception {
        central.stop(0);
        stack.stopApp();
        stack.with("wechat.token.service.url", "").with("wechat.token.service.api-key", "")
                .with("wechat.app.secret", LocalStack.APP_SECRET).with("wechat.apps", "default");
        stack.startApp();
    }

    @Test
    void tokensComeFromTheServiceAndTheAppNeedsNoSecret() throws Exception {
        stack.stopApp();
        stack.with("wechat.token.service.url", centralUrl()).with("wechat.token.service.api-key", SERVICE_KEY)
                .with("wechat.app.secret", "");
        stack.startApp();
        sim().reset();
        served.set(0);

        for (int i = 0; i < 5; i++) {
            Reply reply = post("{\"scene\":\"central=" + i + "\"}");
            assertEquals(200, reply.status(), reply.body().toString());
        }

        assertEquals(1, served.get(), "one token for the five requests, from the service");
        assertEquals(1, sim().tokenCalls(), "and WeChat was asked only by the service");
        assertTrue(!Files.readString(Path.of("target", "test-logs", "tests.log")).contains(SERVICE_KEY),
                "the service's key is masked in Camel's start-up summary and logged nowhere else");
    }

    @Test
    void aRefusalByTheServiceNamesTheSettingToFix() throws Exception {
        stack.stopApp();
        stack.with("wechat.token.service.url", centralUrl()).with("wechat.token.service.api-key", "wrong-key");
        stack.startApp();

        Reply reply = post("{\"scene\":\"central-refused\"}");
        HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(URI.create(stack.managementUrl() + "/observe/health/ready"))
                .build(), HttpResponse.BodyHandlers.ofString());

        assertEquals(500, reply.status(), reply.body().toString());
        assertEquals("token_configuration", reply.error().path("code").asText());
        assertTrue(reply.error().path("message").asText().contains("wechat.token.service.api-key"), reply.body().toString());
        assertEquals(503, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("wechat.token.service.api-key"), ready.body());
        assertTrue(!reply.body().toString().contains("wrong-key") && !ready.body().contains("wrong-key"));
        assertEquals(0, served.get());
    }

    @Test
    void withSeveralAppsEachAppsIdGoesIntoTheUrl() throws Exception {
        sim().addApp(SHOP_ID, SHOP_SECRET);
        stack.stopApp();
        stack.with("wechat.token.service.url", centralUrl() + "?appid={appid}").with("wechat.token.service.api-key", SERVICE_KEY)
                .with("wechat.app.secret", "").with("wechat.apps", "default,shop").with("wechat.app.shop.id", SHOP_ID);
        stack.startApp();
        sim().reset();

        assertEquals(200, post("{\"scene\":\"central-default\"}").status());
        Reply shop = post("{\"app\":\"shop\",\"scene\":\"central-shop\"}");

        assertEquals(200, shop.status(), shop.body().toString());
        assertEquals(java.util.Set.of(LocalStack.APP_ID, SHOP_ID), askedFor);
        assertEquals(1, sim().codeCalls(SHOP_ID), "the shop's code was made with the shop's token");
        assertEquals(1, sim().codeCalls(LocalStack.APP_ID));
    }

    @Test
    void withSeveralAppsAUrlWithoutAppidIsRefusedAtStart() {
        stack.with("wechat.token.service.url", centralUrl()).with("wechat.apps", "default,shop").with("wechat.app.shop.id", SHOP_ID);
        Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> {
            stack.stopApp();
            stack.startApp();
        });
        IllegalArgumentException cause = illegalArgumentIn(refused);
        assertTrue(cause != null && cause.getMessage().contains("wechat.token.service.url must contain {appid}"), refused.toString());
    }

    private String centralUrl() {
        return "http://127.0.0.1:" + central.getAddress().getPort() + "/token";
    }

    /** What the service does on its side: WeChat's stable_token with the app's secret. */
    private static byte[] wechatStableToken(String appId, String secret) {
        try {
            String body = "{\"grant_type\":\"client_credential\",\"appid\":\"" + appId + "\",\"secret\":\""
                    + secret + "\",\"force_refresh\":false}";
            HttpResponse<byte[]> token = HTTP.send(HttpRequest.newBuilder(URI.create(sim().baseUrl() + "/cgi-bin/stable_token"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return token.body();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
