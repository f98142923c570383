package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

import dev.wxacode.local.LocalStack;
import org.junit.jupiter.api.Test;

/** wxacode.routes-reload (on in local mode): an edited route file takes effect without a restart. */
class RouteReloadTest {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Test
    void anEditedRouteFileIsReloadedWhileTheServiceRuns() throws Exception {
        Path routes = Files.createTempDirectory(Path.of("target"), "reload-routes-");
        // the whole tree; the edit is in a subfolder
        RouteFiles.copyTo(routes);
        Path file = routes.resolve("ingress").resolve("http.camel.yaml");
        try (LocalStack stack = LocalStack.startServices("127.0.0.1", 0, 0, 0, null, SharedKafka.broker())) {
            stack.with("wxacode.routes-dir", routes.toString()).with("wxacode.routes-reload", "true").startApp();
            assertEquals(Optional.empty(), post(stack).headers().firstValue("X-Route-Edited"));

            // what an integration team would do: one more step at the end of http-ingress
            String yaml = Files.readString(file);
            String replyOk = "            ref: replies\n            method: ok\n";
            assertTrue(yaml.contains(replyOk));
            // written beside and moved in, as editors save: one change for the watcher, never a half-written file
            Path draft = file.resolveSibling("http.camel.yaml.draft");
            Files.writeString(draft, yaml.replace(replyOk, replyOk
                    + "        - setHeader:\n            id: mark-edited\n            name: X-Route-Edited\n            constant: \"yes\"\n"));
            Files.move(draft, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            long edited = System.nanoTime();
            long deadline = edited + 90_000_000_000L;
            Optional<String> mark = Optional.empty();
            while (mark.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(250);
                // while Camel swaps the routes a request can fail (no consumer for a moment): the
                // reason reload is for development, not production
                mark = post(stack).headers().firstValue("X-Route-Edited");
            }
            assertEquals(Optional.of("yes"), mark, "the edit took effect without a restart");
            System.out.printf("route reload: the edit took effect after %.1f s%n", (System.nanoTime() - edited) / 1e9);
            // the watcher polls (no inotify on some file systems) and may report the change once
            // more while the first reload finishes: the service must settle into answering 200s
            int inARow = 0;
            HttpResponse<String> after = null;
            long settle = System.nanoTime() + 60_000_000_000L;
            while (inARow < 5 && System.nanoTime() < settle) {
                after = post(stack);
                inARow = after.statusCode() == 200 && after.headers().firstValue("X-Route-Edited").isPresent() ? inARow + 1 : 0;
                Thread.sleep(inARow == 0 ? 500 : 50);
            }
            assertEquals(200, after.statusCode(), after.body());
            assertEquals(5, inARow, "five edited answers in a row once reloaded");
        }
    }

    private static HttpResponse<String> post(LocalStack stack) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(stack.appUrl() + "/api/wxacode"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + LocalStack.TEST_API_KEY)
                .POST(HttpRequest.BodyPublishers.ofString("{\"scene\":\"reload\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
