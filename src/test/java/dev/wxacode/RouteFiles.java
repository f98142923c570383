package dev.wxacode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** The project's route files, for tests that edit a copy of them. */
final class RouteFiles {

    static final Path ROUTES = Path.of("routes");

    private RouteFiles() {
    }

    /** The whole tree under routes/, subfolders and all, as the service reads it (every *.camel.yaml in it). */
    static void copyTo(Path target) throws IOException {
        try (Stream<Path> files = Files.walk(ROUTES)) {
            for (Path from : files.filter(Files::isRegularFile).toList()) {
                Path to = target.resolve(ROUTES.relativize(from).toString());
                Files.createDirectories(to.getParent());
                Files.copy(from, to);
            }
        }
    }
}
