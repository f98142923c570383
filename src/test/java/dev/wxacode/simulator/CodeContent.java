package dev.wxacode.simulator;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * What the simulator writes into its codes: the page and the URL-encoded scene, the way the
 * scanned page receives them. Tests decode images back through {@link #parse}.
 */
public record CodeContent(String page, String scene) {

    public String text() {
        return "wxacode-sim:" + page + "?scene=" + URLEncoder.encode(scene, StandardCharsets.UTF_8);
    }

    public static CodeContent parse(String text) {
        if (!text.startsWith("wxacode-sim:")) {
            throw new IllegalArgumentException("not a simulator code: " + text);
        }
        String rest = text.substring("wxacode-sim:".length());
        int q = rest.indexOf("?scene=");
        Map<String, String> parts = new HashMap<>();
        parts.put("page", rest.substring(0, q));
        parts.put("scene", URLDecoder.decode(rest.substring(q + "?scene=".length()), StandardCharsets.UTF_8));
        return new CodeContent(parts.get("page"), parts.get("scene"));
    }
}
