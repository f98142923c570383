package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The fast check of the route files (docs/routes.md): every route file under routes/ loaded with
 * application.properties, without a broker, S3 or WeChat. Fails on an unknown bean, bean method,
 * endpoint option or property placeholder, and on a route that breaks one of RouteRules. First in
 * .ci/run; a few seconds.
 */
class RouteCheckTest {

    @Test
    void everyRouteFileLoadsWithItsConfiguration() throws Exception {
        RouteCheck.Result result = RouteCheck.check(Path.of("routes"));
        System.out.println("route check: " + result);
        assertTrue(result.routes() > 0, "found routes under routes/");
    }

    @ParameterizedTest
    @CsvSource({
        "pipeline/generate.camel.yaml, forget-last-attempt",
        "pipeline/wechat.camel.yaml, require-image"
    })
    void aRouteWithoutAStepItMustKeepIsRefusedWithTheRule(String file, String step, @TempDir Path routes) throws Exception {
        RouteFiles.copyTo(routes);
        Path edited = routes.resolve(file);
        Files.writeString(edited, withoutStep(Files.readString(edited), step));

        Exception refused = assertThrows(Exception.class, () -> RouteCheck.check(routes));

        String messages = messages(refused);
        assertTrue(messages.contains("must have step " + step), messages);
    }

    /** The YAML without the step of this id: its "- kind:" line and everything indented under it. */
    private static String withoutStep(String yaml, String id) {
        List<String> lines = new ArrayList<>(yaml.lines().toList());
        int idLine = lines.indexOf(lines.stream().filter(l -> l.trim().equals("id: " + id)).findFirst().orElseThrow());
        int start = idLine - 1;
        int indent = indentOf(lines.get(start));
        int end = start + 1;
        while (end < lines.size() && (lines.get(end).isBlank() || indentOf(lines.get(end)) > indent)) {
            end++;
        }
        lines.subList(start, end).clear();
        return String.join("\n", lines) + "\n";
    }

    private static int indentOf(String line) {
        return line.length() - line.stripLeading().length();
    }

    private static String messages(Throwable e) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString();
    }
}
