package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;

/**
 * The fast check of the route files (docs/routes.md): every route file under routes/ loaded with
 * application.properties, without a broker, S3 or WeChat. Fails on an unknown bean, bean method,
 * endpoint option or property placeholder. First in .ci/run; about a few seconds.
 */
class RouteCheckTest {

    @Test
    void everyRouteFileLoadsWithItsConfiguration() throws Exception {
        RouteCheck.Result result = RouteCheck.check(Path.of("routes"));
        System.out.println("route check: " + result);
        assertTrue(result.routes() > 0, "found routes under routes/");
    }
}
