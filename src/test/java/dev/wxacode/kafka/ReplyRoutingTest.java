package dev.wxacode.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

import dev.wxacode.request.Violation;
import org.junit.jupiter.api.Test;

class ReplyRoutingTest {

    private static final String CONFIGURED = "wxacode.replies";
    /** The broker as these tests see it. */
    private static final Map<String, Integer> TOPICS = Map.of(CONFIGURED, 3, "team-a.replies.x", 2);
    private static final PartitionCounts BROKER = topic -> TOPICS.containsKey(topic) ? OptionalInt.of(TOPICS.get(topic)) : OptionalInt.empty();

    private final List<Violation> violations = new ArrayList<>();

    @Test
    void noHeadersMeanTheConfiguredTopicWithoutAskingTheBroker() {
        ReplyRouting routing = new ReplyRouting(CONFIGURED, "", topic -> {
            throw new AssertionError("asked the broker");
        });
        assertEquals(new ReplyAddress(CONFIGURED, null), routing.route(null, null, violations));
        assertEquals(new ReplyAddress(CONFIGURED, null), routing.route(utf8(CONFIGURED), null, violations));
        assertTrue(violations.isEmpty());
    }

    @Test
    void byDefaultOnlyTheConfiguredTopicMayBeNamed() {
        ReplyRouting routing = new ReplyRouting(CONFIGURED, " ", BROKER);
        assertEquals(new ReplyAddress(CONFIGURED, 2), routing.route(utf8(CONFIGURED), int4(2), violations));
        // a dot in the configured name is not a wildcard
        assertEquals(new ReplyAddress(CONFIGURED, null), routing.route(utf8("wxacode-replies"), int4(0), violations));
        assertEquals(1, violations.size());
        assertEquals("kafka_replyTopic (header)", violations.get(0).field());
        assertTrue(violations.get(0).rule().contains("kafka.reply-topics-allowed"), violations.get(0).rule());
    }

    @Test
    void theAllowListIsMatchedAgainstTheWholeName() {
        ReplyRouting routing = new ReplyRouting(CONFIGURED, "team-a\\.replies\\..*", BROKER);
        assertEquals(new ReplyAddress("team-a.replies.x", 1), routing.route(utf8("team-a.replies.x"), int4(1), violations));
        assertTrue(violations.isEmpty());
        routing.route(utf8("xteam-a.replies.x"), null, violations);
        assertEquals(1, violations.size());
    }

    @Test
    void headerValuesAreCheckedAsUntrustedInput() {
        ReplyRouting routing = new ReplyRouting(CONFIGURED, ".*", BROKER);
        for (byte[] topic : List.of(new byte[0], utf8("."), utf8(".."), utf8("a b"), utf8("a\r\nb"), utf8("t".repeat(250)),
                new byte[] {(byte) 0xff, (byte) 0xfe})) {
            violations.clear();
            assertEquals(new ReplyAddress(CONFIGURED, null), routing.route(topic, null, violations));
            assertEquals(1, violations.size(), new String(topic, StandardCharsets.UTF_8));
            assertTrue(violations.get(0).rule().startsWith(ReplyRouting.TOPIC_NAME_RULE), violations.get(0).rule());
        }
        for (byte[] partition : List.of(new byte[0], new byte[] {0, 0, 1}, new byte[8], int4(-1), int4(3))) {
            violations.clear();
            assertEquals(new ReplyAddress(CONFIGURED, null), routing.route(utf8(CONFIGURED), partition, violations));
            assertEquals("kafka_replyPartition (header)", violations.get(0).field());
        }
        violations.clear();
        routing.route(utf8("not.on.the.broker"), null, violations);
        assertTrue(violations.get(0).rule().contains("on the broker"), violations.get(0).rule());
    }

    @Test
    void aBrokenAllowListStopsTheStart() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new ReplyRouting(CONFIGURED, "team-(a", BROKER));
        assertTrue(e.getMessage().contains("kafka.reply-topics-allowed"), e.getMessage());
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] int4(int value) {
        return ByteBuffer.allocate(4).putInt(value).array();
    }
}
