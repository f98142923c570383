package dev.wxacode.store;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.wxacode.core.StoredCode;
import org.apache.camel.support.LRUCacheFactory;

/**
 * Objects this instance stored or found lately, so that a repeated request is answered without
 * asking S3 again. A HEAD costs more CPU (SigV4 on both sides) than the rest of the reuse path
 * together. Keys name their content and objects are never rewritten, so a remembered object can
 * only go stale by being deleted behind the service's back (a lifecycle rule, an operator): the
 * lifetime bounds how long such a deletion goes unnoticed.
 */
public final class KnownObjects {

    private record Known(StoredCode code, Instant until) {
    }

    private final Map<String, Known> known;
    private final Clock clock;
    private final Duration lifetime;

    /** @param lifetime how long an object is trusted to exist without asking S3; zero to always ask */
    public KnownObjects(int maxEntries, Duration lifetime, Clock clock) {
        this.known = LRUCacheFactory.newLRUCache(Math.max(1, maxEntries));
        this.lifetime = lifetime;
        this.clock = clock;
    }

    public void remember(StoredCode code) {
        if (!lifetime.isZero()) {
            known.put(code.key(), new Known(code, clock.instant().plus(lifetime)));
        }
    }

    /** The object under the key, as a reused one, if it was seen within the lifetime. */
    public Optional<StoredCode> recall(String key) {
        Known entry = known.get(key);
        if (entry == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(entry.until())) {
            known.remove(key);
            return Optional.empty();
        }
        StoredCode code = entry.code();
        return Optional.of(new StoredCode(code.bucket(), code.key(), code.contentType(), code.size(), code.sha256(), true));
    }
}
