package dev.wxacode.store;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.wxacode.core.CodeKind;
import dev.wxacode.request.LineColor;
import dev.wxacode.request.WxacodeRequest;

/**
 * Content-addressed object keys: the SHA-256 of the app id, the code's kind and the request's effective
 * parameters (WeChat's defaults applied, so leaving out {@code width} and sending 430 are the same
 * code). The same request always lands on the same key, which lets a repeat be answered from S3
 * and makes retries idempotent. The request id is not part of it.
 */
public final class ObjectKeys {

    /** Bump when the canonical form changes, so old and new keys never collide. */
    private static final String VERSION = "v1";

    private final String appId;
    private final String prefix;

    /** The default app keeps the keys of a single-app deployment; any other gets a folder of its own. */
    public static ObjectKeys forApp(String app, String appId, String keyPrefix) {
        return new ObjectKeys(appId, WxacodeRequest.DEFAULT_APP.equals(app) ? keyPrefix : keyPrefix + app + "/");
    }

    public ObjectKeys(String appId, String prefix) {
        this.appId = appId;
        this.prefix = prefix;
    }

    public String keyFor(WxacodeRequest r) {
        LineColor color = r.effectiveLineColor();
        CodeKind kind = r.effectiveType();
        String look = String.join("\n",
                Integer.toString(r.effectiveWidth()),
                Boolean.toString(r.effectiveAutoColor()),
                color.r() + "," + color.g() + "," + color.b(),
                Boolean.toString(r.effectiveHyaline()));
        // newline-separated: no field may contain one (scene, page and path are visible ASCII)
        String canonical = switch (kind) {
            // the form keys had before there were other kinds, so codes stored then are still found
            case UNLIMITED -> String.join("\n", VERSION, appId, r.scene(), r.effectivePage(),
                    Boolean.toString(r.effectiveCheckPath()), r.effectiveEnvVersion(), look);
            case LIMITED -> String.join("\n", VERSION, appId, kind.wireName(), r.path(), r.effectiveEnvVersion(), look);
            // a classic QR code has a path and a width, nothing else
            case QRCODE -> String.join("\n", VERSION, appId, kind.wireName(), r.path(), Integer.toString(r.effectiveWidth()));
        };
        return prefix + sha256Hex(canonical.getBytes(StandardCharsets.UTF_8));
    }

    public static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
