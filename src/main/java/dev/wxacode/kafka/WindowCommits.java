package dev.wxacode.kafka;

import org.apache.camel.component.kafka.consumer.CommitManager;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.apache.kafka.common.TopicPartition;

/**
 * kafka-ingress's kafkaManualCommitFactory: the KafkaManualCommit a record carries marks it finished
 * in the window, which commits it once every record before it in its partition is finished too.
 * Not one of camel-kafka's factories on purpose: for any other, camel-kafka picks its no-op commit
 * manager, so it never commits an offset on its own (see RecordWindow).
 */
public final class WindowCommits implements KafkaManualCommitFactory {

    private final RecordWindow window;

    public WindowCommits(RecordWindow window) {
        this.window = window;
    }

    @Override
    public KafkaManualCommit newInstance(CamelExchangePayload exchange, KafkaRecordPayload record, CommitManager manager) {
        TopicPartition partition = record.partition;
        long offset = record.recordOffset;
        return () -> window.finished(partition, offset);
    }
}
