package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * The Kafka side of the contract: a request valid by the request schema gets an ok reply, and one
 * that is not gets an error reply and a dead letter, each as the reply schema and the dead-letter
 * schema describe them.
 */
class KafkaContractTest extends KafkaTestSupport {

    @Test
    void repliesAndDeadLettersAreWhatTheSchemasDescribe() throws Exception {
        Schema request = ContractSchemas.schema(ContractSchemas.REQUEST);
        Schema reply = ContractSchemas.schema(ContractSchemas.REPLY);
        Schema deadLetterHeaders = ContractSchemas.schema(ContractSchemas.DEAD_LETTER_HEADERS);
        String valid = "{\"type\":\"limited\",\"path\":\"pages/shop/detail?id=kafka\",\"requestId\":\"kafka-contract-ok\"}";
        byte[] invalid = "{\"scene\":\"kafka contract\",\"width\":2000}".getBytes(StandardCharsets.UTF_8);
        assertEquals(List.of(), ContractSchemas.errors(request, valid));
        assertFalse(ContractSchemas.errors(request, invalid).isEmpty());

        send(0, "contract-ok", valid, Map.of("correlationId", "c-ok"));
        send(0, "contract-bad", invalid, Map.of("correlationId", "c-bad"));

        for (ConsumerRecord<byte[], byte[]> answer : await(replies, keyStartsWith("contract-"), 2)) {
            assertEquals(List.of(), ContractSchemas.errors(reply, answer.value()), text(answer.value()));
            String status = JSON.readTree(answer.value()).path("status").asText();
            assertEquals(text(answer.key()).equals("contract-ok") ? "ok" : "error", status, text(answer.value()));
        }
        ConsumerRecord<byte[], byte[]> deadLetter = await(deadLetters, keyStartsWith("contract-"), 1).get(0);
        assertEquals("contract-bad", text(deadLetter.key()));
        assertArrayEquals(invalid, deadLetter.value(), "the request's bytes, unchanged");
        byte[] headers = JSON.writeValueAsBytes(headersOf(deadLetter));
        assertEquals(List.of(), ContractSchemas.errors(deadLetterHeaders, headers), text(headers));
        assertEquals("c-bad", header(deadLetter, "correlationId"));
    }

    /** A record's headers as the dead-letter schema reads them: name to value as UTF-8. */
    private static ObjectNode headersOf(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        return JSON.valueToTree(headers);
    }
}
