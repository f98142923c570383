package dev.wxacode.simulator;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * What the simulator writes into its codes, so tests can decode images back through {@link #parse}.
 *
 * <p>getUnlimited codes carry the page and the URL-encoded scene, the way the scanned page receives
 * them ({@code wxacode-sim:page?scene=...}). The two limited kinds (getwxacode, createwxaqrcode)
 * carry only a path, which may hold its own query string ({@code wxacode-sim-path:path}); for them
 * {@code page} is that whole path and {@code scene} is null.
 */
public record CodeContent(String page, String scene) {

    private static final String SCENE_PREFIX = "wxacode-sim:";
    private static final String PATH_PREFIX = "wxacode-sim-path:";

    public String text() {
        if (scene == null) {
            return PATH_PREFIX + page;
        }
        return SCENE_PREFIX + page + "?scene=" + URLEncoder.encode(scene, StandardCharsets.UTF_8);
    }

    public static CodeContent parse(String text) {
        if (text.startsWith(PATH_PREFIX)) {
            return new CodeContent(text.substring(PATH_PREFIX.length()), null);
        }
        if (!text.startsWith(SCENE_PREFIX)) {
            throw new IllegalArgumentException("not a simulator code: " + text);
        }
        String rest = text.substring(SCENE_PREFIX.length());
        int q = rest.indexOf("?scene=");
        return new CodeContent(rest.substring(0, q),
                URLDecoder.decode(rest.substring(q + "?scene=".length()), StandardCharsets.UTF_8));
    }
}
