package dev.wxacode;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * SecretsStayOutOfLogsTest's search once more, last in failsafe (the pom's secrets-last-it
 * execution, a JVM of its own after the other ITs): by now the failsafe JVM's log (it.log), the
 * packaged jar's logs (PackagedJarIT, EdgeAttackIT) and failsafe's reports are written too, and
 * the token ledger holds the tokens failsafe's simulators issued.
 */
class SecretsStayOutOfLogsIT {

    @Test
    void noLogOrOutputOfTheWholeBuildCarriesASecretOrAToken() throws Exception {
        // the first line of this JVM's own log, which is searched with the rest
        LoggerFactory.getLogger(SecretsStayOutOfLogsIT.class).info("Searching the build's logs for secrets and tokens");
        SecretsSearch search = new SecretsSearch(List.of());
        search.searchEverything(Path.of(System.getProperty("wxacode.test-log", "target/test-logs/secrets-it-run.log")), Map.of(
                Path.of("target", "test-logs", "tests.log"), Path.of("target", "surefire-reports"),
                Path.of("target", "test-logs", "it.log"), Path.of("target", "failsafe-reports")));
        search.notes().forEach(note -> System.out.println("secrets search: " + note));
        System.out.printf("secrets: %d secret values and tokens (%s) searched for in %d files of %d characters: none found%n",
                search.secrets().size(), search.secretCounts(), search.filesSearched(), search.charactersSearched());
    }
}
