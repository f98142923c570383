package dev.wxacode.local;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.utils.Time;

/**
 * A single-node Apache Kafka broker in KRaft mode, in this JVM: the same broker code as a real
 * cluster, formatted and started the way kafka-storage.sh and kafka-server-start.sh would.
 */
public final class LocalKafka implements AutoCloseable {

    /** Fixed, so a folder kept across local-mode restarts is recognised as the same cluster. */
    private static final String CLUSTER_ID = "d3hhY29kZS1sb2NhbC0x";

    private final Properties props;
    private final String bootstrapServers;
    private KafkaRaftServer server;

    private LocalKafka(Properties props, String bootstrapServers) {
        this.props = props;
        this.bootstrapServers = bootstrapServers;
    }

    /** @param folder where the log is kept; a fresh temporary folder when null */
    public static LocalKafka start(String host, int port, int controllerPort, Path folder) throws Exception {
        Path logDir = folder != null ? folder : Files.createTempDirectory("wxacode-kafka");
        Files.createDirectories(logDir);
        Properties props = new Properties();
        props.put("node.id", "1");
        props.put("process.roles", "broker,controller");
        props.put("listeners", "PLAINTEXT://" + host + ":" + port + ",CONTROLLER://" + host + ":" + controllerPort);
        props.put("advertised.listeners", "PLAINTEXT://" + host + ":" + port);
        props.put("controller.listener.names", "CONTROLLER");
        props.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.put("controller.quorum.voters", "1@" + host + ":" + controllerPort);
        props.put("log.dirs", logDir.toAbsolutePath().toString());
        props.put("offsets.topic.replication.factor", "1");
        props.put("offsets.topic.num.partitions", "4");
        props.put("transaction.state.log.replication.factor", "1");
        props.put("transaction.state.log.min.isr", "1");
        props.put("group.initial.rebalance.delay.ms", "0");
        props.put("auto.create.topics.enable", "false");

        Path config = logDir.resolve("server.properties");
        try (var out = Files.newOutputStream(config)) {
            props.store(out, "wxacode-route local Kafka");
        }
        ByteArrayOutputStream formatOutput = new ByteArrayOutputStream();
        int formatted = StorageTool.execute(new String[] {"format", "-t", CLUSTER_ID, "-c", config.toString(), "--ignore-formatted"},
                new PrintStream(formatOutput, true, StandardCharsets.UTF_8));
        if (formatted != 0) {
            throw new IllegalStateException("cannot format " + logDir + ": " + formatOutput.toString(StandardCharsets.UTF_8));
        }
        LocalKafka kafka = new LocalKafka(props, host + ":" + port);
        kafka.startServer();
        return kafka;
    }

    /** Stops the broker and starts it again on the same ports and log, as an operator's restart would. */
    public void restart() {
        stopServing();
        resumeServing();
    }

    /** An outage: the broker shuts down; its log stays for {@link #resumeServing()}. */
    public void stopServing() {
        server.shutdown();
        server.awaitShutdown();
        server = null;
    }

    /** Starts the broker again on the same ports and log. */
    public void resumeServing() {
        startServer();
    }

    private void startServer() {
        server = new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
        server.startup();
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Creates the topics that do not exist yet. */
    public void createTopics(Map<String, Integer> partitionsByTopic) throws Exception {
        try (Admin admin = admin()) {
            Set<String> existing = admin.listTopics().names().get();
            List<NewTopic> missing = new ArrayList<>();
            partitionsByTopic.forEach((topic, partitions) -> {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, partitions, (short) 1));
                }
            });
            try {
                admin.createTopics(missing).all().get();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    @Override
    public void close() {
        if (server != null) {
            stopServing();
        }
    }
}
