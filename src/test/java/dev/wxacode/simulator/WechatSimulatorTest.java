package dev.wxacode.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import javax.imageio.ImageIO;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.zxing.BinaryBitmap;
import com.google.zxing.MultiFormatReader;
import com.google.zxing.client.j2se.BufferedImageLuminanceSource;
import com.google.zxing.common.HybridBinarizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator on its own, over HTTP: several apps, and the two limited code kinds beside getUnlimited. */
class WechatSimulatorTest {

    private static final String A = "wx00000000000000aa";
    private static final String A_SECRET = "secret-of-a-0123456789abcdef";
    private static final String B = "wx00000000000000bb";
    private static final String B_SECRET = "secret-of-b-0123456789abcdef";
    private static final String UNLIMITED = "/wxa/getwxacodeunlimit";
    private static final String LIMITED = "/wxa/getwxacode";
    private static final String QRCODE = "/cgi-bin/wxaapp/createwxaqrcode";

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static WechatSimulator sim;

    @BeforeAll
    static void start() throws Exception {
        sim = WechatSimulator.withDefaults(A, A_SECRET).addApp(B, B_SECRET).start("127.0.0.1", 0);
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.reset();
    }

    // ---- several apps ----------------------------------------------------------------------------

    @Test
    void eachAppGetsItsOwnTokensAndCredentialsAreCheckedPerApp() throws Exception {
        String a = token(A, A_SECRET);
        String b = token(B, B_SECRET);

        assertNotEquals(a, b);
        assertEquals(a, token(A, A_SECRET), "stable_token: the same token while it is valid");
        assertEquals(40013, errcode(get("/cgi-bin/token?grant_type=client_credential&appid=wxunknown&secret=" + A_SECRET)));
        assertEquals(40125, errcode(get("/cgi-bin/token?grant_type=client_credential&appid=" + A + "&secret=" + B_SECRET)));
        assertEquals(3, sim.tokenCalls(A));
        assertEquals(1, sim.tokenCalls(B));
        assertEquals(5, sim.tokenCalls(), "every call, the unknown app's too");
        assertTrue(sim.issuedTokens().containsAll(java.util.Set.of(a, b)));
    }

    @Test
    void aCodeCallCountsForTheAppWhoseTokenItCarries() throws Exception {
        String a = token(A, A_SECRET);
        token(B, B_SECRET);

        assertImage(post(UNLIMITED, a, "{\"scene\":\"a=1\"}"));
        assertImage(post(LIMITED, a, "{\"path\":\"pages/index/index\"}"));
        assertImage(post(QRCODE, a, "{\"path\":\"pages/index/index\"}"));

        assertEquals(3, sim.codeCalls(A));
        assertEquals(0, sim.codeCalls(B));
        assertEquals(3, sim.codeCalls());
        assertEquals(2, sim.numUsed(A));
        assertEquals(0, sim.numUsed(B));
    }

    @Test
    void revokingOneAppLeavesTheOtherAppsTokensWorking() throws Exception {
        String a = token(A, A_SECRET);
        String b = token(B, B_SECRET);

        sim.revokeTokens(B);

        assertImage(post(UNLIMITED, a, "{\"scene\":\"a=1\"}"));
        assertEquals(40001, errcode(post(UNLIMITED, b, "{\"scene\":\"b=1\"}")));
        assertNotEquals(b, token(B, B_SECRET), "a new token after the revocation");
        assertEquals(1, sim.codeCalls(A));
        assertEquals(0, sim.codeCalls(B), "a revoked token is no longer B's");
    }

    @Test
    void anAppAddedWhileRunningWorksLikeTheOthers() throws Exception {
        String c = "wx00000000000000cc";
        sim.addApp(c, "secret-of-c");

        assertImage(post(LIMITED, token(c, "secret-of-c"), "{\"path\":\"pages/index/index\"}"));
        assertEquals(1, sim.codeCalls(c));
        assertEquals(1, sim.numUsed(c));
        JsonNode stats = MAPPER.readTree(get("/__sim/stats").body());
        assertEquals(1, stats.path("apps").path(c).path("numUsed").asInt());
        assertEquals(1, stats.path("limitedCodeCalls").asInt());
    }

    @Test
    void theMinuteQuotaIsCountedPerApp() throws Exception {
        sim.enforceQuota(1, Duration.ofMinutes(1));

        assertImage(post(UNLIMITED, token(A, A_SECRET), "{\"scene\":\"a=1\"}"));
        assertEquals(45009, errcode(post(UNLIMITED, token(A, A_SECRET), "{\"scene\":\"a=2\"}")));
        assertImage(post(UNLIMITED, token(B, B_SECRET), "{\"scene\":\"b=1\"}"));
        assertEquals(1, sim.quotaRefusals());
    }

    // ---- getwxacode --------------------------------------------------------------------------------

    @Test
    void getwxacodeDrawsThePathWithItsQueryAndCountsNumUsed() throws Exception {
        String a = token(A, A_SECRET);
        String path = "pages/shop/detail?id=42&from=poster";

        HttpResponse<byte[]> first = post(LIMITED, a, "{\"path\":\"" + path + "\",\"width\":300}");
        HttpResponse<byte[]> second = post(LIMITED, a, "{\"path\":\"" + path + "\",\"line_color\":{\"r\":0,\"g\":0,\"b\":160}}");

        assertImage(first);
        assertEquals(new CodeContent(path, null), decode(first.body()));
        assertEquals("1", first.headers().firstValue("Num-Used").orElse(null));
        assertEquals("2", second.headers().firstValue("Num-Used").orElse(null));
        assertEquals(path, decode(second.body()).page());
        assertEquals(2, sim.limitedCodeCalls());
        assertEquals(0, sim.qrcodeCalls());
        assertEquals(2, sim.codeCalls());
    }

    @Test
    void getwxacodeIsPngWhenTransparentAndStillLabelledJpeg() throws Exception {
        HttpResponse<byte[]> reply = post(LIMITED, token(A, A_SECRET), "{\"path\":\"pages/index/index?ref=x\",\"is_hyaline\":true}");

        assertEquals("image/jpeg", reply.headers().firstValue("Content-Type").orElse(null));
        assertEquals((byte) 0x89, reply.body()[0]);
        assertEquals('P', reply.body()[1]);
        assertEquals("pages/index/index?ref=x", decode(reply.body()).page());
    }

    @Test
    void aChinesePathScansBackAsWritten() throws Exception {
        String path = "pages/shop/detail?city=上海&name=小店";

        HttpResponse<byte[]> reply = post(LIMITED, token(A, A_SECRET), MAPPER.writeValueAsString(Map.of("path", path)));

        assertImage(reply);
        assertEquals(path, decode(reply.body()).page());
    }

    @Test
    void getwxacodeTakesPathsUpTo1024Characters() throws Exception {
        String a = token(A, A_SECRET);
        String longest = "pages/index/index?q=" + "x".repeat(1024 - "pages/index/index?q=".length());

        HttpResponse<byte[]> ok = post(LIMITED, a, "{\"path\":\"" + longest + "\",\"width\":1280}");
        assertImage(ok);
        assertEquals(longest, decode(ok.body()).page());

        assertEquals(40159, errcode(post(LIMITED, a, "{\"path\":\"" + longest + "x\"}")));
        assertEquals(40159, errcode(post(LIMITED, a, "{\"path\":\"\"}")));
        assertEquals(40159, errcode(post(LIMITED, a, "{\"width\":430}")));
        assertEquals(40159, errcode(post(LIMITED, a, "{\"path\":42}")));
        assertEquals(1, sim.numUsed(A), "refused calls use nothing");
    }

    @Test
    void getwxacodeChecksLikeGetUnlimitedButHasNoScancodeTimeRule() throws Exception {
        String a = token(A, A_SECRET);

        assertEquals(40097, errcode(post(LIMITED, a, "{\"path\":\"pages/index/index\",\"env_version\":\"\"}")));
        assertEquals(47001, errcode(post(LIMITED, a, "path=pages/index/index")));
        assertEquals(43002, errcode(get(LIMITED + "?access_token=" + a)));
        assertEquals(41001, errcode(post(LIMITED, null, "{\"path\":\"pages/index/index\"}")));
        assertEquals(40001, errcode(post(LIMITED, "not-a-token", "{\"path\":\"pages/index/index\"}")));
        assertImage(post(LIMITED, a, "{\"path\":\"pages/index/index\",\"scancode_time\":1,\"env_version\":\"trial\"}"));
    }

    @Test
    void queuedFaultsApplyToTheLimitedKindsAndUseNoCode() throws Exception {
        String a = token(A, A_SECRET);
        sim.failNextCodeCalls(Fault.errcode(-1), Fault.http(503));

        assertEquals(-1, errcode(post(LIMITED, a, "{\"path\":\"pages/index/index\"}")));
        assertEquals(503, post(QRCODE, a, "{\"path\":\"pages/index/index\"}").statusCode());
        assertEquals(0, sim.numUsed(A));
        assertEquals(2, sim.codeCalls());
    }

    // ---- createwxaqrcode ---------------------------------------------------------------------------

    @Test
    void createwxaqrcodeIsAJpegQrCodeOfAPathUpTo128Characters() throws Exception {
        String a = token(A, A_SECRET);
        String longest = "pages/order/detail?id=" + "7".repeat(128 - "pages/order/detail?id=".length());

        HttpResponse<byte[]> ok = post(QRCODE, a, "{\"path\":\"" + longest + "\",\"width\":280,\"is_hyaline\":true}");
        assertImage(ok);
        assertEquals((byte) 0xFF, ok.body()[0], "JPEG though is_hyaline was asked: the field is ignored");
        assertEquals((byte) 0xD8, ok.body()[1]);
        assertEquals(new CodeContent(longest, null), decode(ok.body()));
        assertEquals("1", ok.headers().firstValue("Num-Used").orElse(null));

        assertEquals(40159, errcode(post(QRCODE, a, "{\"path\":\"" + longest + "7\"}")));
        assertEquals(40159, errcode(post(QRCODE, a, "{\"path\":\"\"}")));
        assertEquals(3, sim.qrcodeCalls());
        assertEquals(1, sim.numUsed(A));
    }

    // ---- the lifetime count ------------------------------------------------------------------------

    @Test
    void bothLimitedKindsShareOneCountThatStopsAtTheCap() throws Exception {
        String a = token(A, A_SECRET);
        sim.numUsed(A, WechatSimulator.DEFAULT_LIMITED_CAP - 2);

        HttpResponse<byte[]> limited = post(LIMITED, a, "{\"path\":\"pages/index/index\"}");
        HttpResponse<byte[]> qrcode = post(QRCODE, a, "{\"path\":\"pages/index/index\"}");

        assertEquals(String.valueOf(WechatSimulator.DEFAULT_LIMITED_CAP - 1), limited.headers().firstValue("Num-Used").orElse(null));
        assertEquals(String.valueOf(WechatSimulator.DEFAULT_LIMITED_CAP), qrcode.headers().firstValue("Num-Used").orElse(null));
        assertEquals(45029, errcode(post(LIMITED, a, "{\"path\":\"pages/index/index\"}")));
        assertEquals(45029, errcode(post(QRCODE, a, "{\"path\":\"pages/index/index\"}")));
        assertEquals(WechatSimulator.DEFAULT_LIMITED_CAP, sim.numUsed(A));

        assertImage(post(UNLIMITED, a, "{\"scene\":\"still=1\"}"));
        assertImage(post(LIMITED, token(B, B_SECRET), "{\"path\":\"pages/index/index\"}"));
    }

    @Test
    void aSmallerCapForTests() throws Exception {
        String a = token(A, A_SECRET);
        sim.limitedCap(1);

        assertImage(post(QRCODE, a, "{\"path\":\"pages/index/index\"}"));
        assertEquals(45029, errcode(post(QRCODE, a, "{\"path\":\"pages/index/index\"}")));
    }

    // ---- getUnlimited as before --------------------------------------------------------------------

    @Test
    void getUnlimitedIsUnchanged() throws Exception {
        String a = token(A, A_SECRET);

        HttpResponse<byte[]> reply = post(UNLIMITED, a, "{\"scene\":\"order=42&u=7\",\"page\":\"pages/order/detail\"}");

        assertImage(reply);
        assertEquals(new CodeContent("pages/order/detail", "order=42&u=7"), decode(reply.body()));
        assertTrue(reply.headers().firstValue("Num-Used").isEmpty());
        assertEquals(85096, errcode(post(UNLIMITED, a, "{\"scene\":\"a=1\",\"scancode_time\":1}")));
        assertEquals(40169, errcode(post(UNLIMITED, a, "{\"path\":\"pages/index/index\"}")));
        assertEquals(0, sim.numUsed(A));
        assertEquals(3, sim.codeCalls());
        assertEquals(0, sim.limitedCodeCalls() + sim.qrcodeCalls());
    }

    @Test
    void anExpiredTokenIs42001OnTheLimitedKindsToo() throws Exception {
        String a = token(A, A_SECRET);
        sim.clock().advance(Duration.ofHours(3));

        assertEquals(42001, errcode(post(LIMITED, a, "{\"path\":\"pages/index/index\"}")));
        assertEquals(42001, errcode(post(QRCODE, a, "{\"path\":\"pages/index/index\"}")));
        assertImage(post(QRCODE, token(A, A_SECRET), "{\"path\":\"pages/index/index\"}"));
    }

    // ---- helpers -----------------------------------------------------------------------------------

    private static String token(String appId, String secret) throws Exception {
        String body = MAPPER.writeValueAsString(Map.of("grant_type", "client_credential", "appid", appId, "secret", secret));
        HttpResponse<byte[]> reply = HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + "/cgi-bin/stable_token"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
        String token = MAPPER.readTree(reply.body()).path("access_token").asText(null);
        assertNotNull(token, new String(reply.body(), StandardCharsets.UTF_8));
        return token;
    }

    private static HttpResponse<byte[]> post(String endpoint, String token, String body) throws Exception {
        String query = token == null ? "" : "?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        return HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + endpoint + query))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static HttpResponse<byte[]> get(String pathAndQuery) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(sim.baseUrl() + pathAndQuery)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    /** WeChat's error: HTTP 200 with a JSON body. */
    private static int errcode(HttpResponse<byte[]> reply) throws Exception {
        assertEquals(200, reply.statusCode());
        assertTrue(reply.headers().firstValue("Content-Type").orElse("").startsWith("application/json"),
                () -> "not an error: " + reply.headers().map());
        return MAPPER.readTree(reply.body()).path("errcode").asInt();
    }

    private static void assertImage(HttpResponse<byte[]> reply) {
        assertEquals(200, reply.statusCode());
        assertEquals("image/jpeg", reply.headers().firstValue("Content-Type").orElse(null),
                () -> new String(reply.body(), StandardCharsets.UTF_8));
    }

    /** Scans the image as a phone would. */
    private static CodeContent decode(byte[] image) throws Exception {
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(image));
        BinaryBitmap bitmap = new BinaryBitmap(new HybridBinarizer(new BufferedImageLuminanceSource(picture)));
        return CodeContent.parse(new MultiFormatReader().decode(bitmap).getText());
    }
}
