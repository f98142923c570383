package dev.wxacode.kafka;

import org.apache.camel.component.kafka.consumer.errorhandler.KafkaConsumerListener;
import org.apache.camel.component.kafka.consumer.support.ProcessingResult;
import org.apache.kafka.clients.consumer.Consumer;

/**
 * Set on kafka-ingress's consumers by the route's pausable step: camel-kafka calls it on each
 * consumer thread after every poll, empty ones too, which is where the window commits and pauses
 * (the Kafka consumer may only be used from its own thread).
 */
public final class WindowListener extends KafkaConsumerListener {

    private final RecordWindow window;

    public WindowListener(RecordWindow window) {
        this.window = window;
    }

    @Override
    public boolean afterConsume(Object consumer) {
        window.afterPoll((Consumer<?, ?>) consumer);
        // true: process what was polled (false would drop the records this poll returned)
        return true;
    }

    @Override
    public boolean afterProcess(ProcessingResult result) {
        // a hand-off that failed is polled again by breakOnFirstError; no pause of camel-kafka's own
        return true;
    }
}
