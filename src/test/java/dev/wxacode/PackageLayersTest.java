package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The packages import downward only, in the order docs/development.md ("Layout") lists them: a
 * class imports from its own package and from the packages listed under it, never from above. The
 * docs and the code are held together here, so that neither drifts.
 */
class PackageLayersTest {

    private static final Path SOURCES = Path.of("src/main/java/dev/wxacode");
    private static final Pattern LISTED = Pattern.compile("(?m)^  (\\w+)/\\s");
    private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?dev\\.wxacode\\.(\\w+)\\.");

    @Test
    void everyPackageImportsOnlyFromThePackagesListedUnderIt() throws Exception {
        List<String> layers = layers();
        List<String> upward = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                Path relative = SOURCES.relativize(file);
                if (relative.getNameCount() == 1) {
                    continue; // the root package: start-up and the index of beans, above everything
                }
                String own = relative.getName(0).toString();
                Matcher imported = IMPORT.matcher(Files.readString(file));
                while (imported.find()) {
                    String other = imported.group(1);
                    if (!other.equals(own) && layers.indexOf(other) <= layers.indexOf(own)) {
                        upward.add(relative + " imports " + other);
                    }
                }
            }
        }
        assertEquals(List.of(), upward, "imports from a package listed above (docs/development.md, \"Layout\")");
    }

    @Test
    void theLayoutListsEveryPackage() throws Exception {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> dirs = Files.list(SOURCES)) {
            dirs.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
        }
        assertEquals(packages, new TreeSet<>(layers()));
    }

    /** The packages of docs/development.md's layout, from the top down. */
    private static List<String> layers() throws Exception {
        String docs = Files.readString(Path.of("docs/development.md"));
        int start = docs.indexOf("\nsrc/main/java/dev/wxacode/\n");
        String layout = docs.substring(start, docs.indexOf("\nsrc/test/java/dev/wxacode/\n", start));
        List<String> layers = new ArrayList<>();
        Matcher listed = LISTED.matcher(layout);
        while (listed.find()) {
            layers.add(listed.group(1));
        }
        assertTrue(layers.size() > 5, "the layout in docs/development.md lists the packages: " + layers);
        return layers;
    }
}
