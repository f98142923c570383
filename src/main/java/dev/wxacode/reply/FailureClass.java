package dev.wxacode.reply;

import java.io.IOException;
import java.util.List;

import dev.wxacode.core.WechatUnavailableException;
import dev.wxacode.store.StorageUnavailableException;
import dev.wxacode.token.TokenConfigurationException;
import org.apache.kafka.common.KafkaException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * The one place that decides what kind of failure stopped a request (docs/api.md, "Error policy"):
 * both error policies (routes/errors/) ask it, and so does the reply. As Camel matches an
 * onException, the deepest cause decides.
 */
public enum FailureClass {

    /** WeChat busy/5xx/timeouts/unreachable, S3, the broker: trying again later can help. */
    TRANSIENT,
    /** WeChat refuses to issue a token (app id, secret, IP whitelist): a setting must be fixed. */
    CONFIGURATION,
    /** The request is wrong, or a bug: trying again cannot help. */
    PERMANENT;

    private static final List<Class<? extends Exception>> TRANSIENT_FAILURES = List.of(WechatUnavailableException.class,
            IOException.class, SdkException.class, StorageUnavailableException.class, KafkaException.class);

    public static FailureClass of(Throwable failure) {
        Throwable deepest = deepestException(failure);
        if (deepest instanceof TokenConfigurationException) {
            return CONFIGURATION;
        }
        return TRANSIENT_FAILURES.stream().anyMatch(c -> c.isInstance(deepest)) ? TRANSIENT : PERMANENT;
    }

    /** Whether the failure or one of its causes is of this type. */
    public static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static Throwable deepestException(Throwable failure) {
        Throwable deepest = failure;
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof Exception) {
                deepest = t;
            }
        }
        return deepest;
    }
}
