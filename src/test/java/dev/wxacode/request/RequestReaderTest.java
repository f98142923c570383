package dev.wxacode.request;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.wxacode.core.CodeKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestReaderTest {

    private final RequestReader reader = new RequestReader(new ObjectMapper(), 16384, Set.of("default", "shop"));

    private WxacodeRequest read(String json) {
        return reader.read(json.getBytes(StandardCharsets.UTF_8));
    }

    private InvalidRequestException rejected(String json) {
        return assertThrows(InvalidRequestException.class, () -> read(json));
    }

    private static Set<String> fields(InvalidRequestException e) {
        return e.violations().stream().map(Violation::field).collect(Collectors.toSet());
    }

    @Test
    void snakeCaseAndCamelCaseParseToTheSameRequest() {
        WxacodeRequest snake = read("""
                {"requestId":"r-1","scene":"a=1","page":"pages/index/index","check_path":false,
                 "env_version":"trial","width":300,"auto_color":true,
                 "line_color":{"r":1,"g":2,"b":3},"is_hyaline":true}""");
        WxacodeRequest camel = read("""
                {"requestId":"r-1","scene":"a=1","page":"pages/index/index","checkPath":false,
                 "envVersion":"trial","width":300,"autoColor":true,
                 "lineColor":{"r":1,"g":2,"b":3},"isHyaline":true}""");

        assertEquals(WxacodeRequest.unlimited("r-1", "a=1", "pages/index/index", false, "trial", 300, true,
                new LineColor(1, 2, 3), true), snake);
        assertEquals(snake, camel);
    }

    @Test
    void unsetFieldsStayNullAndDefaultsApplyOnlyInEffectiveAccessors() {
        WxacodeRequest r = read("{\"scene\":\"x\"}");

        assertNull(r.requestId());
        assertNull(r.page());
        assertNull(r.checkPath());
        assertNull(r.envVersion());
        assertNull(r.width());
        assertNull(r.autoColor());
        assertNull(r.lineColor());
        assertNull(r.isHyaline());
        assertEquals(430, r.effectiveWidth());
        assertEquals("release", r.effectiveEnvVersion());
    }

    @Test
    void jsonNullCountsAsNotGiven() {
        WxacodeRequest r = read("{\"scene\":\"x\",\"width\":null,\"env_version\":null,\"lineColor\":null}");

        assertNull(r.width());
        assertNull(r.envVersion());
        assertNull(r.lineColor());
        assertEquals(430, r.effectiveWidth());
    }

    @Test
    void sameFieldUnderBothAliasesIsRejected() {
        InvalidRequestException e = rejected("{\"scene\":\"x\",\"check_path\":true,\"checkPath\":true}");

        assertEquals(1, e.violations().size());
        assertEquals("checkPath", e.violations().get(0).field());
        assertTrue(e.getMessage().contains("given twice"), e.getMessage());
    }

    @Test
    void aNullUnderOneAliasStillMakesTheOtherAliasADuplicate() {
        InvalidRequestException e = rejected("{\"scene\":\"x\",\"check_path\":null,\"checkPath\":false}");

        assertEquals("checkPath", e.violations().get(0).field());
        assertTrue(e.getMessage().contains("given twice"), e.getMessage());
    }

    @Test
    void aDuplicateDoesNotHideABadValueOfTheFirstSpelling() {
        InvalidRequestException e = rejected("{\"scene\":\"x\",\"env_version\":\"bad\",\"envVersion\":\"release\"}");

        assertEquals(Set.of("envVersion", "env_version"), fields(e));
    }

    @Test
    void unknownFieldIsRejected() {
        InvalidRequestException e = rejected("{\"scene\":\"x\",\"colour\":1}");

        assertEquals(List.of(new Violation("colour", "is not a known field")), e.violations());
    }

    @Test
    void scancodeTimeIsRejectedAsReservedWithErrcode85096() {
        InvalidRequestException e = rejected("{\"scene\":\"x\",\"scancode_time\":1}");

        assertEquals(Set.of("scancode_time"), fields(e));
        assertTrue(e.getMessage().contains("85096"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 32})
    void sceneAtLengthLimitsIsAccepted(int length) {
        String scene = "a".repeat(length);

        assertEquals(scene, read("{\"scene\":\"" + scene + "\"}").scene());
    }

    @Test
    void sceneOf33CharactersIsRejected() {
        InvalidRequestException e = rejected("{\"scene\":\"" + "a".repeat(33) + "\"}");

        assertEquals(Set.of("scene"), fields(e));
    }

    @Test
    void everyAllowedSpecialSceneCharacterIsAccepted() {
        String specials = "!#$&'()*+,/:;=?@-._~";
        for (char c : specials.toCharArray()) {
            String scene = "a" + c + "b";
            assertEquals(scene, read("{\"scene\":\"" + scene + "\"}").scene(), "character " + c);
        }
        // all of them at once, still within the 32 limit
        assertEquals(specials, read("{\"scene\":\"" + specials + "\"}").scene());
    }

    @Test
    void percentInSceneIsRejected() {
        InvalidRequestException e = rejected("{\"scene\":\"a%20b\"}");

        assertEquals(Set.of("scene"), fields(e));
    }

    @ParameterizedTest
    @ValueSource(ints = {280, 1280})
    void widthAtLimitsIsAccepted(int width) {
        assertEquals(width, read("{\"scene\":\"x\",\"width\":" + width + "}").width());
    }

    @ParameterizedTest
    @ValueSource(ints = {279, 1281})
    void widthJustOutsideLimitsIsRejected(int width) {
        InvalidRequestException e = rejected("{\"scene\":\"x\",\"width\":" + width + "}");

        assertEquals(Set.of("width"), fields(e));
    }

    @ParameterizedTest
    @ValueSource(strings = {"release", "trial", "develop"})
    void knownEnvVersionsAreAccepted(String env) {
        assertEquals(env, read("{\"scene\":\"x\",\"env_version\":\"" + env + "\"}").envVersion());
    }

    @Test
    void emptyEnvVersionIsRejected() {
        InvalidRequestException e = rejected("{\"scene\":\"x\",\"env_version\":\"\"}");

        assertEquals(Set.of("env_version"), fields(e));
    }

    @Test
    void lineColorComponentsAtZeroAnd255AreAccepted() {
        WxacodeRequest r = read("{\"scene\":\"x\",\"line_color\":{\"r\":0,\"g\":255,\"b\":0}}");

        assertEquals(new LineColor(0, 255, 0), r.lineColor());
    }

    @Test
    void lineColorComponentOf256IsRejected() {
        InvalidRequestException e = rejected("{\"scene\":\"x\",\"line_color\":{\"r\":0,\"g\":0,\"b\":256}}");

        assertEquals(Set.of("line_color.b"), fields(e));
    }

    @Test
    void bodyOverMaxBytesIsTooLarge() {
        RequestReader small = new RequestReader(new ObjectMapper(), 64, java.util.Set.of("default"));
        byte[] body = ("{\"scene\":\"x\",\"page\":\"" + "p".repeat(60) + "\"}").getBytes(StandardCharsets.UTF_8);

        assertThrows(RequestTooLargeException.class, () -> small.read(body));
    }

    @Test
    void bodyOfExactlyMaxBytesIsRead() {
        byte[] body = "{\"scene\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        RequestReader exact = new RequestReader(new ObjectMapper(), body.length, java.util.Set.of("default"));

        assertEquals("x", exact.read(body).scene());
    }

    @Test
    void severalViolationsAreReportedTogether() {
        InvalidRequestException e = rejected(
                "{\"scene\":\"\",\"width\":100,\"env_version\":\"prod\",\"isHyaline\":\"yes\",\"extra\":1}");

        assertEquals(Set.of("scene", "width", "env_version", "isHyaline", "extra"), fields(e));
    }

    @Test
    void requestIdIsKeptOnInvalidRequest() {
        InvalidRequestException e = rejected("{\"requestId\":\"req-42\",\"scene\":\"a%b\"}");

        assertEquals("req-42", e.requestId());
    }

    // ---- apps and code kinds ----------------------------------------------------------------------

    @Test
    void appAndTypeDefaultToTheDefaultAppAndUnlimited() {
        WxacodeRequest r = read("{\"scene\":\"a=1\"}");
        assertNull(r.app());
        assertEquals("default", r.effectiveApp());
        assertEquals(CodeKind.UNLIMITED, r.effectiveType());
    }

    @Test
    void aConfiguredAppIsAcceptedAndAnUnknownOneIsRejectedNamingTheConfiguredOnes() {
        assertEquals("shop", read("{\"app\":\"shop\",\"scene\":\"a=1\"}").app());
        InvalidRequestException e = rejected("{\"app\":\"mall\",\"scene\":\"a=1\"}");
        assertEquals(Set.of("app"), fields(e));
        assertTrue(e.violations().get(0).rule().contains("default, shop"), e.getMessage());
    }

    @Test
    void withoutADefaultAppTheAppIsRequired() {
        RequestReader shopOnly = new RequestReader(new ObjectMapper(), 16384, Set.of("shop"));
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> shopOnly.read("{\"scene\":\"a=1\"}".getBytes(StandardCharsets.UTF_8)));
        assertEquals(Set.of("app"), fields(e));
    }

    @Test
    void anUnknownTypeIsRejectedNamingTheKinds() {
        InvalidRequestException e = rejected("{\"type\":\"square\",\"path\":\"pages/a\",\"width\":9999}");
        // what the path needs is unknown until the type is: only the type and the shared rules speak
        assertEquals(Set.of("type", "width"), fields(e), e.getMessage());
        assertTrue(e.getMessage().contains("unlimited, limited, qrcode"), e.getMessage());
    }

    @Test
    void limitedTakesAPathWithItsQueryUpTo1024Characters() {
        WxacodeRequest r = read("{\"type\":\"limited\",\"path\":\"pages/shop/detail?id=9&from=poster\",\"width\":300}");
        assertEquals(CodeKind.LIMITED, r.type());
        assertEquals("pages/shop/detail?id=9&from=poster", r.path());
        read("{\"type\":\"limited\",\"path\":\"" + "p".repeat(1024) + "\"}");
        assertEquals(Set.of("path"), fields(rejected("{\"type\":\"limited\",\"path\":\"" + "p".repeat(1025) + "\"}")));
        assertEquals(Set.of("path"), fields(rejected("{\"type\":\"limited\",\"path\":\"\"}")));
        assertEquals(Set.of("path"), fields(rejected("{\"type\":\"limited\"}")));
        assertEquals(Set.of("path"), fields(rejected("{\"type\":\"limited\",\"path\":\"pages/a?q=two words\"}")));
    }

    @Test
    void qrcodeTakesAPathUpTo128Characters() {
        read("{\"type\":\"qrcode\",\"path\":\"" + "p".repeat(128) + "\"}");
        InvalidRequestException e = rejected("{\"type\":\"qrcode\",\"path\":\"" + "p".repeat(129) + "\"}");
        assertEquals(Set.of("path"), fields(e));
        assertTrue(e.getMessage().contains("1 to 128 characters for type qrcode"), e.getMessage());
    }

    @Test
    void fieldsOfAnotherKindAreRejectedNamingWhatTheKindTakes() {
        InvalidRequestException limited = rejected("{\"type\":\"limited\",\"path\":\"pages/a\",\"scene\":\"a=1\",\"check_path\":false}");
        assertEquals(Set.of("scene", "check_path"), fields(limited));
        InvalidRequestException qrcode = rejected("{\"type\":\"qrcode\",\"path\":\"pages/a\",\"is_hyaline\":true,\"env_version\":\"trial\"}");
        assertEquals(Set.of("is_hyaline", "env_version"), fields(qrcode));
        assertTrue(qrcode.getMessage().contains("path and width only"), qrcode.getMessage());
        InvalidRequestException unlimited = rejected("{\"scene\":\"a=1\",\"path\":\"pages/a\"}");
        assertEquals(Set.of("path"), fields(unlimited));
    }

    // ---- what a caller sends is never echoed raw ----------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"app", "type", "env_version"})
    void aLineBreakInAnEchoedValueIsEscapedSoItCannotForgeALogLine(String field) {
        // JSON escapes: the parsed value holds a real CR, LF, line separator and right-to-left override
        String forged = "x\\r\\n00:00:00.000 ERROR [main] FORGED - owned\\u2028\\u202e";
        InvalidRequestException e = rejected("{\"scene\":\"a\",\"" + field + "\":\"" + forged + "\"}");

        assertEquals(Set.of(field), fields(e), e.getMessage());
        assertTrue(e.getMessage().contains("(was \"x\\r\\n00:00:00.000 ERROR [main] FORGED"), e.getMessage());
        assertPrintable(e);
    }

    @Test
    void anUnknownFieldsNameIsEscapedAndCutInTheFieldAndTheMessage() {
        InvalidRequestException e = rejected("{\"scene\":\"a\",\"x\\r\\nFORGED" + "n".repeat(5000) + "\":1,"
                + "\"line_color\":{\"r\":0,\"g\":0,\"b\":0,\"q\\u2028\":1}}");

        assertEquals(2, e.violations().size(), e.getMessage());
        Violation unknown = e.violations().get(0);
        assertTrue(unknown.field().startsWith("x\\r\\nFORGEDnnn"), unknown.field());
        assertTrue(unknown.field().length() < 100 && unknown.field().contains("more characters)"), unknown.field());
        assertEquals("is not a known field", unknown.rule());
        assertEquals("line_color.q\\u2028", e.violations().get(1).field());
        assertPrintable(e);
    }

    @Test
    void aHugeAppValueIsEchoedOnlyAsABoundedPrefix() {
        InvalidRequestException e = rejected("{\"scene\":\"a\",\"app\":\"" + "A".repeat(16_000) + "\"}");

        assertEquals(Set.of("app"), fields(e));
        assertTrue(e.getMessage().length() < 300, e.getMessage().length() + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("more characters)"), e.getMessage());
    }

    @Test
    void manyUnknownFieldsStayInTheListWhileTheMessageIsBounded() {
        StringBuilder body = new StringBuilder("{\"scene\":\"a\"");
        for (int i = 0; i < 300; i++) {
            body.append(",\"unknown").append(i).append("\":1");
        }
        InvalidRequestException e = rejected(body.append('}').toString());

        assertEquals(300, e.violations().size());
        assertTrue(e.getMessage().length() <= InvalidRequestException.MESSAGE_MAX + 40, Integer.toString(e.getMessage().length()));
    }

    @Test
    void jacksonsDescriptionOfASyntaxErrorIsEscapedToo() {
        InvalidRequestException e = rejected("{\"scene\":\"a\",\u2028\u202eFORGED" + "z".repeat(2000) + "}");

        assertEquals(Set.of("body"), fields(e));
        assertTrue(e.getMessage().contains("is not valid JSON"), e.getMessage());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
        assertPrintable(e);
    }

    private static void assertPrintable(InvalidRequestException e) {
        assertTrue(dev.wxacode.text.Untrusted.isPrintable(e.getMessage()), e.getMessage());
        for (Violation v : e.violations()) {
            assertTrue(dev.wxacode.text.Untrusted.isPrintable(v.field()) && dev.wxacode.text.Untrusted.isPrintable(v.rule()), v.toString());
        }
    }

    // ---- one JSON value, and nothing after it ------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"{\"scene\":\"a\"}xyz", "{\"scene\":\"a\"}{\"scene\":\"b\"}", "{\"scene\":\"a\"} 1",
            "{\"scene\":\"a\"}]", "{\"scene\":\"a\"}\u0000", "{}x"})
    void contentAfterTheJsonValueIsRejected(String body) {
        InvalidRequestException e = rejected(body);

        assertEquals(List.of("body"), e.violations().stream().map(Violation::field).toList(), e.getMessage());
        assertTrue(e.getMessage().contains("content after the JSON value"), e.getMessage());
    }

    @Test
    void whiteSpaceAfterTheJsonValueIsFine() {
        assertEquals("a", read("{\"scene\":\"a\"} \r\n\t ").scene());
    }

    // ---- scancode_time: WeChat's reserved parameter name ------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"scancode_time=1", "id=2&scancode_time=1", "scancode_time", "a=1&scancode_time=&b=2"})
    void scancodeTimeAsAKeyInSceneIsRejectedWith85096(String scene) {
        InvalidRequestException e = rejected("{\"scene\":\"" + scene + "\"}");

        assertEquals(Set.of("scene"), fields(e));
        assertTrue(e.getMessage().contains("scancode_time") && e.getMessage().contains("85096"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"id=scancode_time", "scancode_time1=1", "x_scancode_time=1", "a=scancode_time&b=2"})
    void scancodeTimeAsAValueOrPartOfAKeyInSceneIsFine(String scene) {
        assertEquals(scene, read("{\"scene\":\"" + scene + "\"}").scene());
    }

    @ParameterizedTest
    @ValueSource(strings = {"limited", "qrcode"})
    void scancodeTimeAsAKeyInAPathsQueryIsRejectedWith85096(String type) {
        for (String path : List.of("pages/a?scancode_time=1", "pages/a?id=2&scancode_time=1", "pages/a?scancode%5Ftime=1")) {
            InvalidRequestException e = rejected("{\"type\":\"" + type + "\",\"path\":\"" + path + "\"}");
            assertEquals(Set.of("path"), fields(e), path);
            assertTrue(e.getMessage().contains("scancode_time") && e.getMessage().contains("85096"), e.getMessage());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pages/a?id=scancode_time", "pages/scancode_time/index", "pages/a?from=x&t=scancode_time=1",
            "pages/a?scancode_timex=1"})
    void scancodeTimeOutsideAPathsQueryKeysIsFine(String path) {
        assertEquals(path, read("{\"type\":\"limited\",\"path\":\"" + path + "\"}").path());
    }
}
