package dev.wxacode;

import java.util.Map;

import dev.wxacode.local.LocalKafka;
import dev.wxacode.local.LocalStack;

/**
 * One Kafka broker for the whole test run: a broker takes seconds to start, a topic milliseconds.
 * Test classes that consume use topics of their own; the default topics exist so that every app
 * started by a test finds its request topic.
 */
public final class SharedKafka {

    private static LocalKafka broker;

    private SharedKafka() {
    }

    public static synchronized LocalKafka broker() throws Exception {
        if (broker == null) {
            broker = LocalKafka.start("127.0.0.1", LocalStack.freePort(), LocalStack.freePort(), null);
            broker.createTopics(Map.of("wxacode.requests", 3, "wxacode.replies", 3, "wxacode.requests.dlq", 1));
            LocalKafka started = broker;
            Runtime.getRuntime().addShutdownHook(new Thread(started::close, "shared-kafka-shutdown"));
        }
        return broker;
    }
}
