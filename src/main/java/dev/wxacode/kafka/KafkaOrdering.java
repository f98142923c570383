package dev.wxacode.kafka;

/** kafka.ordering: whether records with the same key may run at the same time. */
public enum KafkaOrdering {
    /** Requests are independent: any records of the window run at once. */
    NONE,
    /** Records with the same key run one after another, in offset order; a null key is not ordered. */
    KEY;

    public static KafkaOrdering of(String setting) {
        return switch (setting.trim()) {
            case "none" -> NONE;
            case "key" -> KEY;
            default -> throw new IllegalArgumentException("kafka.ordering must be none or key (was " + setting + ")");
        };
    }
}
