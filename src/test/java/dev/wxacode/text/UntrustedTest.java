package dev.wxacode.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UntrustedTest {

    @Test
    void aForgedLogLineStaysOnTheLineItWasWrittenOn() {
        String forged = "x\r\n00:00:00.000 ERROR [main] FORGED - owned";

        assertEquals("x\\r\\n00:00:00.000 ERROR [main] FORGED - owned", Untrusted.printable(forged, 200));
    }

    @ParameterizedTest
    @ValueSource(strings = {"\u0000", "\u0007", "\u001b[31m", "\u007f", "\u0085", "\u2028", "\u2029", "\u202e", "\u2066",
            "\u200b", "\ufeff", "\ud800", "\udc00"})
    void everyCharacterThatCanBreakOrDisguiseALineIsEscaped(String bad) {
        String out = Untrusted.printable("a" + bad + "b", 200);

        assertTrue(out.startsWith("a\\u") && out.endsWith("b"), out);
        assertTrue(out.chars().allMatch(c -> c >= 0x20 && c < 0x7f), out);
    }

    @Test
    void namedEscapesForTheCommonOnes() {
        assertEquals("\\r\\n\\t\\u0000\\u2028\\u202e", Untrusted.printable("\r\n\t\u0000\u2028\u202e", 200));
    }

    @Test
    void readableTextOfAnyScriptIsLeftAsItIs() {
        String text = "订单=1 emoji\uD83D\uDE00 é \"quote\" back\\slash <script>";

        assertSame(text, Untrusted.printable(text, 200));
        assertTrue(Untrusted.isPrintable(text));
    }

    @Test
    void escapingIsIdempotentSoASinkMayEscapeAgain() {
        String once = Untrusted.printable("a\r\nb\u2028c\\d", 200);

        assertEquals(once, Untrusted.printable(once, 200));
    }

    @Test
    void aLongValueIsCutWithAMarkerSayingHowMuchWasLeftOut() {
        String out = Untrusted.printable("x".repeat(16_384), 64);

        assertEquals("x".repeat(64) + "...(16320 more characters)", out);
    }

    @Test
    void theBoundCountsTheEscapedTextAndNeverSplitsAnEscapeOrAPair() {
        String out = Untrusted.printable("\n".repeat(100), 9);
        assertEquals("\\n\\n\\n\\n...(96 more characters)", out);

        String emoji = Untrusted.printable("ab\uD83D\uDE00cd", 3);
        assertEquals("ab...(4 more characters)", emoji);
    }

    @Test
    void quotedAndNameUseTheEchoBound() {
        assertEquals("\"a\\nb\"", Untrusted.quoted("a\nb"));
        assertEquals("null", Untrusted.quoted(null));
        assertEquals("n".repeat(Untrusted.ECHO_MAX) + "...(936 more characters)", Untrusted.name("n".repeat(1000)));
        assertNull(Untrusted.printable(null, 10));
        assertFalse(Untrusted.isPrintable("a\nb"));
    }
}
