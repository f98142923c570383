package dev.wxacode.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/**
 * .dockerignore lets in only what the Dockerfile copies. The file is an allow-list, so a COPY added
 * to the Dockerfile later fails the image build unless it is allowed too: this test says so first.
 */
class DockerBuildContextTest {

    private final List<Rule> rules = rules(DeployFiles.read(Path.of(".dockerignore")));

    @Test
    void whatTheDockerfileCopiesIsInTheContext() {
        List<String> missing = new ArrayList<>();
        for (String source : DeployFiles.dockerfileCopySources()) {
            String path = source.replaceFirst("^\\./", "").replaceFirst("/$", "");
            if (!inContext(path)) {
                missing.add(source);
            }
        }
        assertFalse(DeployFiles.dockerfileCopySources().isEmpty(), "the Dockerfile copies something from the context");
        assertEquals(List.of(), missing, "COPY sources left out by .dockerignore");
        // and what is inside the copied folders
        assertTrue(inContext("src/main/java/dev/wxacode/Application.java"));
        assertTrue(inContext("src/main/resources/application.properties"));
        assertTrue(inContext("routes/ingress/http.camel.yaml"));
    }

    @Test
    void buildOutputHistoryAndSecretsStayOut() {
        for (String path : List.of("target/wxacode-route.jar", "target/lib/camel-main.jar", ".git/HEAD", ".env",
                ".idea/workspace.xml", "wxacode-route.iml", ".vscode/settings.json", "docker-compose.yml",
                "deploy/kubernetes/deployment.yaml", "src/main/java/Scratch.java~")) {
            assertFalse(inContext(path), path + " is sent to the daemon");
        }
    }

    /** Docker's matching: the last pattern that matches the path or one of its parent folders decides. */
    private boolean inContext(String path) {
        boolean included = true;
        for (Rule rule : rules) {
            if (rule.matches(path)) {
                included = rule.include;
            }
        }
        return included;
    }

    private static List<Rule> rules(String dockerignore) {
        List<Rule> rules = new ArrayList<>();
        for (String line : dockerignore.split("\n")) {
            String pattern = line.trim();
            if (pattern.isEmpty() || pattern.startsWith("#")) {
                continue;
            }
            boolean include = pattern.startsWith("!");
            pattern = pattern.replaceFirst("^!", "").replaceFirst("^/", "").replaceFirst("/$", "");
            rules.add(new Rule(include, Pattern.compile(glob(pattern))));
        }
        return rules;
    }

    private static String glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char c = pattern.charAt(i);
            if (pattern.startsWith("**/", i)) {
                regex.append("(?:.*/)?");
                i += 2;
            } else if (pattern.startsWith("**", i)) {
                regex.append(".*");
                i += 1;
            } else if (c == '*') {
                regex.append("[^/]*");
            } else if (c == '?') {
                regex.append("[^/]");
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    private record Rule(boolean include, Pattern pattern) {
        boolean matches(String path) {
            for (String prefix = path; ; prefix = prefix.substring(0, prefix.lastIndexOf('/'))) {
                if (pattern.matcher(prefix).matches()) {
                    return true;
                }
                if (!prefix.contains("/")) {
                    return false;
                }
            }
        }
    }
}
