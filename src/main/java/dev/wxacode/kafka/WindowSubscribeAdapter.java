package dev.wxacode.kafka;

import java.util.Collection;

import org.apache.camel.component.kafka.consumer.support.subcription.DefaultSubscribeAdapter;
import org.apache.camel.component.kafka.consumer.support.subcription.SubscribeAdapter;
import org.apache.camel.component.kafka.consumer.support.subcription.TopicInfo;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.common.TopicPartition;

/**
 * camel-kafka's subscription (found in the registry as "subscribeAdapter"), with the window told
 * first when partitions are revoked (it commits what is finished) and assigned (it reads which
 * records the last owner finished): camel-kafka's own listener commits through its no-op commit
 * manager, so without this a rebalance (each start, as the consumers join one by one) would hand
 * the next owner every record finished since the last commit.
 */
public final class WindowSubscribeAdapter implements SubscribeAdapter {

    private final RecordWindow window;
    private final String requestTopic;
    private final SubscribeAdapter subscription = new DefaultSubscribeAdapter(null, false);

    /** @param requestTopic kafka.request-topic: a consumer of any other topic is subscribed as camel-kafka would */
    public WindowSubscribeAdapter(RecordWindow window, String requestTopic) {
        this.window = window;
        this.requestTopic = requestTopic;
    }

    @Override
    public void subscribe(Consumer<?, ?> consumer, ConsumerRebalanceListener camelListener, TopicInfo topics) {
        if (topics.isPattern() || !topics.getTopics().contains(requestTopic)) {
            subscription.subscribe(consumer, camelListener, topics);
            return;
        }
        subscription.subscribe(consumer, new ConsumerRebalanceListener() {
            @Override
            public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                window.revoked(consumer, partitions);
                camelListener.onPartitionsRevoked(partitions);
            }

            @Override
            public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                window.assigned(consumer, partitions);
                camelListener.onPartitionsAssigned(partitions);
            }

            @Override
            public void onPartitionsLost(Collection<TopicPartition> partitions) {
                // no longer ours: nothing may be committed; what was in flight is redone by the next owner
                camelListener.onPartitionsLost(partitions);
            }
        }, topics);
    }
}
