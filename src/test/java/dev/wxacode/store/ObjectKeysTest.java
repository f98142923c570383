package dev.wxacode.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;

import dev.wxacode.core.CodeKind;
import dev.wxacode.request.LineColor;
import dev.wxacode.request.WxacodeRequest;
import org.junit.jupiter.api.Test;

class ObjectKeysTest {

    private static final String PREFIX = "wxacode/";

    private final ObjectKeys keys = new ObjectKeys("wx-app-1", PREFIX);

    private static WxacodeRequest scene(String scene) {
        return WxacodeRequest.unlimited(null, scene, null, null, null, null, null, null, null);
    }

    private static WxacodeRequest full(String page, String env, Integer width, Boolean hyaline) {
        return WxacodeRequest.unlimited(null, "s=1", page, null, env, width, null, null, hyaline);
    }

    @Test
    void sameRequestGivesSameKey() {
        assertEquals(keys.keyFor(scene("s=1")), keys.keyFor(scene("s=1")));
    }

    @Test
    void spelledOutDefaultsGiveSameKeyAsLeavingThemOut() {
        WxacodeRequest explicit = WxacodeRequest.unlimited(null, "s=1", null, true, "release", 430, false,
                new LineColor(0, 0, 0), false);

        assertEquals(keys.keyFor(scene("s=1")), keys.keyFor(explicit));
    }

    @Test
    void requestIdDoesNotChangeKey() {
        assertEquals(keys.keyFor(scene("s=1")), keys.keyFor(scene("s=1").withRequestId("req-1")));
    }

    @Test
    void differentAppIdChangesKey() {
        assertNotEquals(keys.keyFor(scene("s=1")), new ObjectKeys("wx-app-2", PREFIX).keyFor(scene("s=1")));
    }

    @Test
    void differentSceneChangesKey() {
        assertNotEquals(keys.keyFor(scene("s=1")), keys.keyFor(scene("s=2")));
    }

    @Test
    void differentPageChangesKey() {
        assertNotEquals(keys.keyFor(full("pages/a", null, null, null)), keys.keyFor(full("pages/b", null, null, null)));
    }

    @Test
    void differentWidthChangesKey() {
        assertNotEquals(keys.keyFor(full(null, null, 430, null)), keys.keyFor(full(null, null, 431, null)));
    }

    @Test
    void differentEnvVersionChangesKey() {
        assertNotEquals(keys.keyFor(full(null, "release", null, null)), keys.keyFor(full(null, "trial", null, null)));
    }

    @Test
    void hyalineChangesKey() {
        assertNotEquals(keys.keyFor(full(null, null, null, false)), keys.keyFor(full(null, null, null, true)));
    }

    @Test
    void keyIsPrefixPlus64LowercaseHexCharacters() {
        String key = keys.keyFor(scene("s=1"));

        assertTrue(key.startsWith(PREFIX), key);
        assertTrue(key.substring(PREFIX.length()).matches("[0-9a-f]{64}"), key);
    }

    /**
     * The SHA-256 of the JDK's own MessageDigest, not of {@link ObjectKeys#sha256Hex}: the expected
     * keys below must not come from the code under test.
     */
    private static String independentSha256(String text) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theDigestIsSha256AsPublished() throws Exception {
        // FIPS 180-2's known answers, and the JDK's digest of a longer text
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
                ObjectKeys.sha256Hex("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", ObjectKeys.sha256Hex(new byte[0]));
        String text = "order=42&u=7\nthe quick brown fox \u00e9";
        assertEquals(independentSha256(text), ObjectKeys.sha256Hex(text.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void anUnlimitedCodeKeepsTheKeyItHadBeforeThereWereOtherKinds() throws Exception {
        // codes stored by earlier versions must still be found, not made again. The key rule (ObjectKeys'
        // javadoc): SHA-256 of "v1", the app id, scene, page, check_path, env_version, width,
        // auto_color, "r,g,b", is_hyaline, newline-separated, WeChat's defaults applied.
        String before = String.join("\n", "v1", "wx-app-1", "s=1", "", "true", "release", "430", "false", "0,0,0", "false");
        assertEquals(PREFIX + independentSha256(before), keys.keyFor(scene("s=1")));
        // the same, as a fixed known answer (printf 'v1\nwx-app-1\ns=1\n\ntrue\nrelease\n430\nfalse\n0,0,0\nfalse' | sha256sum)
        assertEquals(PREFIX + "2137ff307d3a2a6313c6964c5dea542501849b8edc859f165048498345cc0c8c", keys.keyFor(scene("s=1")));
    }

    @Test
    void theLimitedKindsKeysFollowTheirRule() throws Exception {
        // limited: "v1", app id, "limited", path, env_version, the look; qrcode: "v1", app id, "qrcode", path, width
        String limited = String.join("\n", "v1", "wx-app-1", "limited", "pages/a?id=1", "release", "430", "false", "0,0,0", "false");
        String qrcode = String.join("\n", "v1", "wx-app-1", "qrcode", "pages/a", "430");

        assertEquals(PREFIX + independentSha256(limited), keys.keyFor(path(CodeKind.LIMITED, "pages/a?id=1")));
        assertEquals(PREFIX + "ded261d49a280b5c7bf5a2f4a3b5e41004253dc42b1548594f504fcff1edf937",
                keys.keyFor(path(CodeKind.LIMITED, "pages/a?id=1")));
        assertEquals(PREFIX + independentSha256(qrcode), keys.keyFor(path(CodeKind.QRCODE, "pages/a")));
        assertEquals(PREFIX + "21a8684982b428fefc98f2250163846fcce15b512a601d821d1b3a2b36abd5e5",
                keys.keyFor(path(CodeKind.QRCODE, "pages/a")));
    }

    private static WxacodeRequest path(CodeKind kind, String path) {
        return new WxacodeRequest(null, null, kind, null, null, path, null, null, null, null, null, null);
    }

    @Test
    void theSamePathAsLimitedAndAsQrcodeAreTwoCodes() {
        assertNotEquals(keys.keyFor(path(CodeKind.LIMITED, "pages/a?id=1")), keys.keyFor(path(CodeKind.QRCODE, "pages/a?id=1")));
        assertNotEquals(keys.keyFor(path(CodeKind.LIMITED, "pages/a?id=1")), keys.keyFor(path(CodeKind.LIMITED, "pages/a?id=2")));
        assertEquals(keys.keyFor(path(CodeKind.QRCODE, "pages/a")), keys.keyFor(path(CodeKind.QRCODE, "pages/a").withRequestId("r")));
    }
}
