package dev.wxacode.quota;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Properties;

import dev.wxacode.local.LocalStack;
import org.apache.kafka.clients.CommonClientConfigs;
import org.junit.jupiter.api.Test;

/**
 * Stopping while no broker answers: the coordination's thread, waiting on the admin client to list
 * the topics (up to 30 s), ends when the service stops instead of going on asking a broker that
 * is gone after Camel has stopped.
 */
class QuotaCoordinationStopTest {

    private static final String LOOP = "wxacode-quota-coordination";

    @Test
    void stoppingEndsAConnectThatWaitsForAMissingBroker() throws Exception {
        Properties nowhere = new Properties();
        // a free port: nothing listens there
        nowhere.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + LocalStack.freePort());
        QuotaCoordination coordination = new QuotaCoordination(() -> nowhere, () -> nowhere, "stop-test.pace", "stop-test.pace", 6,
                "stop-test.pace.events", Duration.ofSeconds(10), QuotaShare.none(), app -> { });
        List<Thread> others = loops();
        coordination.start();
        Thread.sleep(1000);
        List<Thread> started = loops().stream().filter(t -> !others.contains(t)).toList();
        assertEquals(1, started.size(), "the coordination is trying to connect");

        coordination.stop();

        assertTrue(started.get(0).getState() == Thread.State.TERMINATED, "the coordination's thread has ended: "
                + started.get(0).getState() + " " + java.util.Arrays.toString(started.get(0).getStackTrace()));
    }

    private static List<Thread> loops() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(LOOP)).toList();
    }
}
