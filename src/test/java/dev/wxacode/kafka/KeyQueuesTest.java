package dev.wxacode.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class KeyQueuesTest {

    private final List<Runnable> started = new ArrayList<>();
    private final List<String> ran = new ArrayList<>();

    @Test
    void theSameKeyWaitsForTheOneBeforeItOthersDoNot() {
        KeyQueues queues = new KeyQueues(started::add, true);
        Object a = queues.keyOf(bytes("a"));
        assertEquals(a, queues.keyOf(bytes("a")), "keys are bytes: equal contents, one key");
        queues.submit(a, () -> ran.add("a1"));
        queues.submit(queues.keyOf(bytes("a")), () -> ran.add("a2"));
        queues.submit(queues.keyOf(bytes("b")), () -> ran.add("b1"));
        queues.submit(queues.keyOf(null), () -> ran.add("none"));
        assertEquals(3, started.size(), "a2 waits for a1; b1 and the keyless one start");
        started.forEach(Runnable::run);
        queues.done(a);
        assertEquals(4, started.size(), "a1 done: a2 starts");
        started.get(3).run();
        assertEquals(List.of("a1", "b1", "none", "a2"), ran);
    }

    @Test
    void unorderedRunsEverythingAtOnce() {
        KeyQueues queues = new KeyQueues(started::add, false);
        queues.submit(queues.keyOf(bytes("a")), () -> { });
        queues.submit(queues.keyOf(bytes("a")), () -> { });
        assertEquals(2, started.size());
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
