package dev.wxacode.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;

import dev.wxacode.ManualClock;
import dev.wxacode.core.StoredCode;
import org.junit.jupiter.api.Test;

class KnownObjectsTest {

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));

    private static StoredCode stored(String key) {
        return new StoredCode("bucket", key, "image/jpeg", 123, "abc", false);
    }

    @Test
    void aStoredObjectIsRecalledAsReusedUntilItsLifetimeEnds() {
        KnownObjects known = new KnownObjects(10, Duration.ofSeconds(60), clock);
        known.remember(stored("k"));

        clock.advance(Duration.ofSeconds(59));
        StoredCode recalled = known.recall("k").orElseThrow();
        assertTrue(recalled.reused());
        assertEquals(stored("k").fileId(), recalled.fileId());
        assertEquals(123, recalled.size());

        clock.advance(Duration.ofSeconds(1));
        assertFalse(known.recall("k").isPresent(), "S3 is asked again once the lifetime is over");
    }

    @Test
    void aZeroLifetimeRemembersNothing() {
        KnownObjects known = new KnownObjects(10, Duration.ZERO, clock);
        known.remember(stored("k"));

        assertFalse(known.recall("k").isPresent());
    }

    @Test
    void theMemoryIsBounded() {
        KnownObjects known = new KnownObjects(100, Duration.ofSeconds(60), clock);
        for (int i = 0; i < 1000; i++) {
            known.remember(stored("k" + i));
        }

        long remembered = java.util.stream.IntStream.range(0, 1000).filter(i -> known.recall("k" + i).isPresent()).count();
        assertTrue(remembered <= 100, remembered + " remembered");
        assertTrue(known.recall("k999").isPresent(), "the latest stays");
    }
}
