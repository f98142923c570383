package dev.wxacode.observe;

import dev.wxacode.core.FlowProperties;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;

/** Called by the error policy before each redelivery. */
public final class RetryCounter implements Processor {

    private final PipelineMetrics metrics;

    public RetryCounter(PipelineMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void process(Exchange exchange) {
        metrics.retried(exchange.getProperty(FlowProperties.INGRESS, String.class));
    }
}
