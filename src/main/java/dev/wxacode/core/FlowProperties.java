package dev.wxacode.core;

/**
 * Names of the exchange properties the pipeline keeps its state in. Properties rather than
 * headers: headers travel out with camel-http and platform-http, and the token must not.
 * The YAML routes refer to some of these by name.
 */
public final class FlowProperties {

    /** http or kafka: set first by each ingress route; the error policy branches on it. */
    public static final String INGRESS = "wxacodeIngress";
    /** ok, or the error code the reply carries. */
    public static final String OUTCOME = "wxacodeOutcome";
    public static final String REQUEST = "wxacodeRequest";
    public static final String REQUEST_ID = "wxacodeRequestId";
    /**
     * Rules an ingress found broken outside the body (a Kafka header), as a list of violations:
     * the request is refused with them and the body's own, in one reply.
     */
    public static final String HEADER_VIOLATIONS = "wxacodeHeaderViolations";
    public static final String OBJECT_KEY = "wxacodeObjectKey";
    public static final String ACCESS_TOKEN = "wxacodeAccessToken";
    /** Set to the errcode when WeChat refused the access token (40001, 40014, 42001). */
    public static final String TOKEN_REJECTED = "wxacodeTokenRejected";
    public static final String IMAGE_FORMAT = "wxacodeImageFormat";
    /** WeChat's count of the app's limited codes (the Num-Used header), after this one. */
    public static final String NUM_USED = "wxacodeNumUsed";
    /** Below wechat.base-url: which of WeChat's three code APIs this request calls. */
    public static final String API_PATH = "wxacodeApiPath";
    /** The object being put; becomes {@link #STORED} once S3 has confirmed it. */
    public static final String PENDING = "wxacodePending";
    public static final String STORED = "wxacodeStored";
    /** What the Kafka ingress kept of the record (dev.wxacode.kafka.ReceivedRecord): key, origin, correlation, reply address. */
    public static final String KAFKA_RECORD = "wxacodeKafkaRecord";

    private FlowProperties() {
    }
}
