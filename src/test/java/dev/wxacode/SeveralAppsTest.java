package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import dev.wxacode.local.LocalStack;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two mini programs in one service: "default" configured as a single-app deployment would be, and
 * "shop" with its id in the properties and its secret in a secrets file. Each gets its own token,
 * its own WeChat calls and its own object keys.
 */
class SeveralAppsTest extends PipelineTestSupport {

    static final String SHOP_ID = "wx00000000000shop";
    private static final String SHOP_SECRET = "shop-app-secret-0c4e2b9d7a11";
    private static final String PACED_CALLS = "wxacode_pacing_delay_seconds_count";
    private static final String PACING_DELAY = "wxacode_pacing_delay_seconds_sum";

    @BeforeAll
    static void addTheShopApp() throws Exception {
        addAppWithSecretInFile("shop", SHOP_ID, SHOP_SECRET);
        restartAppWith("wechat.apps", "default,shop");
    }

    @Test
    void eachAppGetsItsOwnTokenAndItsOwnKeys() throws Exception {
        Reply forDefault = post("{\"scene\":\"user=1\"}");
        Reply forShop = post("{\"app\":\"shop\",\"scene\":\"user=1\"}");

        assertEquals(200, forDefault.status(), forDefault.body().toString());
        assertEquals(200, forShop.status(), forShop.body().toString());
        // the same scene is two codes: each opens its own mini program
        assertNotEquals(forDefault.text("key"), forShop.text("key"));
        assertTrue(forShop.text("key").startsWith("wxacode/shop/"), forShop.text("key"));
        assertFalse(forDefault.text("key").contains("/shop/"), forDefault.text("key"));
        assertEquals("shop", object(forShop.text("key")).response().metadata().get("app"));
        // each call went out with its own app's token
        assertEquals(1, sim().codeCalls(LocalStack.APP_ID));
        assertEquals(1, sim().codeCalls(SHOP_ID));
    }

    @Test
    void aRevokedTokenOfOneAppIsRenewedForThatAppOnly() throws Exception {
        post("{\"scene\":\"warm=1\"}");
        post("{\"app\":\"shop\",\"scene\":\"warm=1\"}");
        sim().reset();

        sim().revokeTokens(SHOP_ID);
        assertEquals(200, post("{\"app\":\"shop\",\"scene\":\"after-revoke=1\"}").status());
        assertEquals(200, post("{\"scene\":\"after-revoke=1\"}").status());

        assertEquals(1, sim().tokenCalls(SHOP_ID), "the shop's refused token was fetched anew");
        assertEquals(0, sim().tokenCalls(LocalStack.APP_ID), "the default app's token was untouched");
    }

    @Test
    void anUnknownAppIsRefusedNamingTheConfiguredOnes() throws Exception {
        Reply reply = post("{\"app\":\"mall\",\"scene\":\"a=1\"}");

        assertEquals(400, reply.status());
        assertEquals("app", reply.error().path("violations").get(0).path("field").asText());
        assertTrue(reply.error().toString().contains("default, shop"), reply.body().toString());
        assertEquals(0, sim().codeCalls());
    }

    @Test
    void aWrongSecretOfOneAppMakesItNotReadyNamingThatAppsSettingWhileTheOtherServes() throws Exception {
        try {
            restartAppWith("wechat.app.shop.secret", "not-the-shop-secret");

            HttpResponse<String> ready = management("/observe/health/ready");
            assertEquals(503, ready.statusCode(), ready.body());
            String message = healthCheck(ready, "wechat-token").path("message").asText();
            assertTrue(message.contains("wechat.app.shop.secret (WECHAT_APP_SHOP_SECRET)"), message);
            assertFalse(message.contains("not-the-shop-secret"), message);

            assertEquals(200, post("{\"scene\":\"still-served=1\"}").status());
            Reply shop = post("{\"app\":\"shop\",\"scene\":\"refused=1\"}");
            assertEquals(500, shop.status());
            assertEquals("token_configuration", shop.error().path("code").asText());
        } finally {
            // the property wins over the secrets file; blank falls back to the file
            restartAppWith("wechat.app.shop.secret", "");
        }
        HttpResponse<String> ready = awaitReady(Duration.ofSeconds(30));
        assertEquals(200, ready.statusCode(), ready.body());
    }

    @Test
    void eachAppIsPacedOnItsOwn() throws Exception {
        try {
            // one call a minute per app: a pacer shared by the two apps would hold the second call for a minute
            restartAppWith("wechat.pace.calls-per-minute", "1");
            Map<String, Double> before = metricSamples();

            assertEquals(200, post("{\"scene\":\"paced=1\"}").status());
            assertEquals(200, post("{\"app\":\"shop\",\"scene\":\"paced=1\"}").status());

            Map<String, Double> after = metricSamples();
            assertEquals(2.0, after.get(PACED_CALLS) - before.getOrDefault(PACED_CALLS, 0.0));
            double waited = after.get(PACING_DELAY) - before.getOrDefault(PACING_DELAY, 0.0);
            assertTrue(waited < 1.0, "each app's first call had its own free slot; they waited " + waited + " s together");
        } finally {
            restartAppWith("wechat.pace.calls-per-minute", "5000");
        }
    }
}
