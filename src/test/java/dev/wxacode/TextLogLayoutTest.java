package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.message.SimpleMessage;
import org.junit.jupiter.api.Test;

/**
 * The production text layout (log4j2.xml, LOG_FORMAT unset) writes every event as one line: a line
 * break in a message or a stack trace is written as \r or \n, never as a line of its own.
 */
class TextLogLayoutTest {

    private static final String FORGED = "00:00:00.000 ERROR [main] dev.wxacode.requests - FORGED";

    @Test
    void anEventWithLineBreaksInItsMessageAndStackTraceIsOneLine() throws Exception {
        PatternLayout layout = PatternLayout.newBuilder().withPattern(productionPattern()).build();
        LogEvent event = Log4jLogEvent.newBuilder().setLoggerName("dev.wxacode.steps.Replies").setLevel(Level.ERROR)
                .setMessage(new SimpleMessage("value x\r\n" + FORGED))
                .setThrown(new IllegalStateException("thrown\n" + FORGED, new RuntimeException("cause\r\n" + FORGED)))
                .build();

        String line = layout.toSerializable(event);

        assertTrue(line.endsWith(System.lineSeparator()), line);
        String body = line.substring(0, line.length() - System.lineSeparator().length());
        assertEquals(-1, body.indexOf('\n'), body);
        assertEquals(-1, body.indexOf('\r'), body);
        assertTrue(body.contains("value x\\r\\n" + FORGED), body);
        assertTrue(body.contains("java.lang.IllegalStateException: thrown\\n" + FORGED), "the stack trace is on the line: " + body);
        assertTrue(body.contains("Caused by: java.lang.RuntimeException: cause\\r\\n" + FORGED), body);
    }

    /** The text pattern of log4j2.xml, as shipped. */
    private static String productionPattern() throws Exception {
        try (InputStream in = TextLogLayoutTest.class.getResourceAsStream("/log4j2.xml")) {
            String xml = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Matcher m = Pattern.compile("<DefaultArbiter>.*?<PatternLayout pattern=\"([^\"]+)\"", Pattern.DOTALL).matcher(xml);
            assertTrue(m.find(), "a PatternLayout in log4j2.xml's DefaultArbiter");
            return m.group(1);
        }
    }
}
