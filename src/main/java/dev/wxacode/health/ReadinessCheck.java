package dev.wxacode.health;

import org.apache.camel.impl.health.AbstractHealthCheck;

/** A check of whether this instance can serve requests; it never says the process must be restarted. */
abstract class ReadinessCheck extends AbstractHealthCheck {

    ReadinessCheck(String id) {
        super("wxacode", id);
    }

    @Override
    public final boolean isLiveness() {
        return false;
    }
}
