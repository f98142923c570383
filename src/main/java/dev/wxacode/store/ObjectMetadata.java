package dev.wxacode.store;

/** Names of the metadata every stored code carries (the put and the readiness probe write them). */
public final class ObjectMetadata {

    public static final String SHA256 = "sha256";
    /** Also the object's tags (see {@link ObjectTags}). */
    public static final String APP = "app";
    public static final String TYPE = "type";

    private ObjectMetadata() {
    }
}
