package dev.wxacode.kafka;

/** Where a reply goes: a topic, and a partition of it if the caller asked for one (else the key decides). */
public record ReplyAddress(String topic, Integer partition) {
}
