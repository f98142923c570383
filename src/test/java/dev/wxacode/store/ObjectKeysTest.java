package dev.wxacode.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.wxacode.request.LineColor;
import dev.wxacode.request.WxacodeRequest;
import dev.wxacode.wechat.CodeKind;
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

    @Test
    void anUnlimitedCodeKeepsTheKeyItHadBeforeThereWereOtherKinds() {
        // codes stored by earlier versions must still be found, not made again
        String before = String.join("\n", "v1", "wx-app-1", "s=1", "", "true", "release", "430", "false", "0,0,0", "false");
        assertEquals(PREFIX + ObjectKeys.sha256Hex(before.getBytes(java.nio.charset.StandardCharsets.UTF_8)), keys.keyFor(scene("s=1")));
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
