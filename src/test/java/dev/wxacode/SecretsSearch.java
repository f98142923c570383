package dev.wxacode;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.wxacode.local.ForkedApp;

/**
 * The search behind SecretsStayOutOfLogsTest (last in surefire) and SecretsStayOutOfLogsIT (last
 * in failsafe): every secret the tests use and every token the simulators issued, in every log and
 * every captured output of every JVM of the build that ran before it.
 *
 * <p>What it searches, and what it insists on finding:
 * <ul>
 *   <li>target/test-logs/*.log: the test JVMs' logs (log4j2-test.xml: tests.log for surefire's
 *       JVM, it.log for failsafe's, one of its own for each secrets run) and the forked apps'
 *       output (stdout and stderr of each app's JVM, {@link ForkedApp});</li>
 *   <li>the stdout and stderr surefire and failsafe captured from their JVMs, in the
 *       {@code <system-out>} and {@code <system-err>} of each report
 *       (target/surefire-reports and target/failsafe-reports; redirectTestOutputToFile is off, so
 *       there are no *-output.txt files). The rest of a report, test names included, is the
 *       tests' own text: HttpAccessTest names its cases after the wrong keys it sends;</li>
 *   <li>a JVM's log must be there when a test of that JVM ran; a forked app's log must be there
 *       when the test that forks it ran (its report names it) and whenever the ledger of forked
 *       apps lists it; and each log the ledger lists must be one {@link #FORKED_APP_LOGS} names, so
 *       that a new forking test cannot go unnoticed.</li>
 * </ul>
 *
 * <p>What it cannot search: a forked app killed with SIGKILL (KafkaPipelineTest's crash) ends
 * without its shutdown hooks, so whatever its asynchronous appender still held (log4j2.xml's
 * Async, at most its 8192-event buffer, in practice the last few lines) never reached the file. The
 * search proves that such a log was written and searched, and says how many were killed; the lost
 * lines are not in any file and cannot be searched. An app stopped with SIGTERM writes out what it logged
 * while it served and stopped: the search insists that its log holds the line Camel logs last of all,
 * from its shutdown hook, once the context has stopped ("Apache Camel (Main) ... is shutdown"). The app
 * stops log4j2 only after that (FlushLogsLast), so no line of a SIGTERM'd app may be missing.
 */
final class SecretsSearch {

    /** The test that forks each app log, and its test method, in the reports. */
    record ForkingTest(String reportClass, String method) {
    }

    private static final ForkingTest QUOTA_SHARING = new ForkingTest("dev.wxacode.QuotaSharingIT",
            "threeInstancesShareTheQuotaAndTakeOverTheShareOfOneKilled");

    static final Map<String, ForkingTest> FORKED_APP_LOGS = Map.of(
            "target/test-logs/json-log-1-app.log", new ForkingTest("dev.wxacode.JsonLogTest", "everyLineIsAJsonObjectAndTheRequestLineIsAmongThem"),
            "target/test-logs/json-log-2-app.log", new ForkingTest("dev.wxacode.JsonLogTest", "theRequestLineNamesItsTrace"),
            "target/test-logs/forked-app.log", new ForkingTest("dev.wxacode.KafkaPipelineTest",
                    "aCrashMidBatchLosesNoRequestDuplicatesNoObjectAndRedoesOnlyTheCallsInFlight"),
            "target/test-logs/secrets-forked-app.log", new ForkingTest("dev.wxacode.SecretsStayOutOfLogsTest", "noLogLineAndNoReplyCarriesASecretOrAToken"),
            "target/test-logs/packaged-jar-app.log", new ForkingTest("dev.wxacode.PackagedJarIT", "theJarServesHttpAndKafkaAndStopsOnSigterm"),
            "target/test-logs/edge-attack-app.log", new ForkingTest("dev.wxacode.EdgeAttackIT", "validCallersAreServedWhileAnonymousUploadsAndHalfOpenConnectionsAreCut"),
            "target/test-logs/quota-sharing-app-1.log", QUOTA_SHARING,
            "target/test-logs/quota-sharing-app-2.log", QUOTA_SHARING,
            "target/test-logs/quota-sharing-app-3.log", QUOTA_SHARING,
            "target/test-logs/quota-sharing-app-3-back.log", QUOTA_SHARING);

    /** The last line a stopping app logs: Camel Main's shutdown hook's, after the context has stopped. */
    static final Pattern LAST_LINE = Pattern.compile("Apache Camel \\(Main\\) \\S+ is shutdown");

    private static final Path LOGS = Path.of("target", "test-logs");
    private static final List<Path> REPORTS = List.of(Path.of("target", "surefire-reports"), Path.of("target", "failsafe-reports"));
    private static final Pattern OUTPUT = Pattern.compile("<(system-out|system-err)>(.*?)</\\1>", Pattern.DOTALL);

    private final Map<String, Set<String>> secretsBySource = new LinkedHashMap<>();
    private final Map<Path, Long> searched = new TreeMap<>();
    private final List<String> notes = new ArrayList<>();
    private final Set<String> tokensIssuedHere;

    /** The secrets: the registry (checked against the test sources), the token ledger, the apps files' and the API-key files' values. */
    SecretsSearch(Collection<String> tokensIssuedHere) throws IOException {
        this.tokensIssuedHere = Set.copyOf(tokensIssuedHere);
        List<TestSecrets.Found> unregistered = TestSecrets.inTestSources().stream()
                .filter(f -> !TestSecrets.ALL.containsKey(f.value()) && !TestSecrets.NOT_SECRETS.containsKey(f.value()))
                .toList();
        assertTrue(unregistered.isEmpty(), "secrets in the test sources missing from TestSecrets.ALL (add them, or to NOT_SECRETS "
                + "with why): " + unregistered);
        TestSecrets.ALL.keySet().forEach(s -> assertTrue(s.length() >= 8, "too short to search for without false alarms: " + s));
        secretsBySource.put("registry", new LinkedHashSet<>(TestSecrets.ALL.keySet()));

        Path ledger = Path.of(System.getProperty("wxacode.token-ledger", "target/test-logs/issued-tokens.txt"));
        assertTrue(Files.isRegularFile(ledger), "the token ledger is missing: " + ledger
                + " (every simulator of the build writes each token it issues there; the pom names it in wxacode.token-ledger)");
        Set<String> tokens = new LinkedHashSet<>();
        for (String line : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                tokens.add(line.strip());
            }
        }
        for (String token : tokensIssuedHere) {
            assertTrue(tokens.contains(token), "a token this JVM's simulator issued is missing from the ledger " + ledger);
        }
        secretsBySource.put("tokens", tokens);

        // the files tests hand the app its secrets in: apps files (wechat.apps-file) and API-key files (http.auth.api-keys-file)
        Set<String> fromFiles = new LinkedHashSet<>();
        try (var files = Files.list(Path.of("target"))) {
            for (Path file : files.sorted().toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith("apps-") && name.endsWith(".properties")) {
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        int eq = line.indexOf('=');
                        if (eq > 0 && line.substring(0, eq).strip().endsWith(".secret")) {
                            fromFiles.add(line.substring(eq + 1).strip());
                        }
                    }
                } else if (name.startsWith("api-keys-") && name.endsWith(".txt")) {
                    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                        if (!line.isBlank() && !line.strip().startsWith("#")) {
                            fromFiles.add(line.strip());
                        }
                    }
                }
            }
        }
        secretsBySource.put("apps and API-key files", fromFiles);
    }

    Set<String> secrets() {
        Set<String> all = new LinkedHashSet<>();
        secretsBySource.values().forEach(all::addAll);
        return all;
    }

    String secretCounts() {
        StringBuilder counts = new StringBuilder();
        secretsBySource.forEach((source, values) -> counts.append(counts.isEmpty() ? "" : ", ").append(values.size()).append(" from ").append(source));
        return counts.toString();
    }

    /**
     * Searches every log and captured output, after checking that the ones expected are there.
     *
     * @param ownLog the log of this JVM
     * @param jvmLogs the logs of the test JVMs that ran before this one, each with the report
     *                directory whose reports (other than the secrets tests') show that it ran
     */
    void searchEverything(Path ownLog, Map<Path, Path> jvmLogs) throws IOException {
        List<Path> expected = new ArrayList<>();
        expected.add(ownLog);
        jvmLogs.forEach((log, reports) -> {
            if (reportsOf(reports).stream().anyMatch(r -> !r.getFileName().toString().contains("SecretsStayOutOfLogs"))) {
                expected.add(log);
            }
        });
        // the forked apps' logs: every one the ledger lists, every one a test that ran writes
        Map<String, String> endings = forkedAppLedger();
        for (String log : endings.keySet()) {
            assertTrue(FORKED_APP_LOGS.containsKey(log), "a test forked an app into " + log
                    + ", which SecretsSearch.FORKED_APP_LOGS does not name: add it, with the test that writes it");
            expected.add(Path.of(log));
        }
        FORKED_APP_LOGS.forEach((log, test) -> {
            if (ran(test)) {
                expected.add(Path.of(log));
            }
        });
        for (Path file : expected) {
            assertTrue(Files.isRegularFile(file), "a log the search expected is missing: " + file);
        }
        // a ledger deleted after an earlier JVM wrote it would be written afresh by this one's simulator
        for (Path log : jvmLogs.keySet()) {
            if (expected.contains(log) && !log.equals(ownLog)
                    && Files.readString(log, StandardCharsets.ISO_8859_1).contains("Fetched a WeChat access token")) {
                assertTrue(secretsBySource.get("tokens").stream().anyMatch(t -> !tokensIssuedHere.contains(t)),
                        "the app in the JVM that wrote " + log + " fetched tokens, but the token ledger holds none but this JVM's");
            }
        }

        Set<String> secrets = secrets();
        try (var logs = Files.list(LOGS)) {
            for (Path file : logs.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                search(file, Files.readString(file, StandardCharsets.ISO_8859_1), secrets);
            }
        }
        for (Path file : expected) {
            assertTrue(searched.containsKey(relative(file)), "a log expected was not searched: " + file);
        }
        int reports = 0;
        for (Path dir : REPORTS) {
            for (Path report : reportsOf(dir)) {
                StringBuilder output = new StringBuilder();
                Matcher m = OUTPUT.matcher(Files.readString(report, StandardCharsets.UTF_8));
                while (m.find()) {
                    output.append(unescape(m.group(2))).append('\n');
                }
                search(report, output.toString(), secrets);
                reports++;
            }
        }

        // how each forked app ended: SIGTERM loses no line, SIGKILL may lose the last ones
        int killed = 0;
        for (Map.Entry<String, String> app : endings.entrySet()) {
            String log = Files.readString(Path.of(app.getKey()), StandardCharsets.ISO_8859_1);
            assertFalse(log.isEmpty(), "the forked app wrote nothing to " + app.getKey());
            if (app.getValue().equals("stopped 143")) {
                assertTrue(LAST_LINE.matcher(log).find(), "an app stopped with SIGTERM logged every line, Camel's very last "
                        + "(\"Apache Camel (Main) ... is shutdown\") included, and its appender wrote them all out: " + app.getKey());
            } else if (app.getValue().equals("killed")) {
                killed++;
                notes.add(app.getKey() + " is from an app killed with SIGKILL: it was searched, but the lines its asynchronous appender "
                        + "still held when it died never reached the file and could not be searched");
            } else {
                notes.add(app.getKey() + " is from an app that ended " + app.getValue());
            }
        }
        notes.add(0, String.format("%d files searched (%d logs, %d reports' captured output), %d forked app logs of which %d from apps killed "
                + "with SIGKILL", searched.size(), searched.size() - reports, reports, endings.size(), killed));
    }

    private void search(Path file, String text, Set<String> secrets) {
        searched.put(relative(file), (long) text.length());
        for (String secret : secrets) {
            int at = text.indexOf(secret);
            if (at >= 0) {
                int lineStart = text.lastIndexOf('\n', at) + 1;
                int lineEnd = text.indexOf('\n', at);
                String line = text.substring(lineStart, lineEnd < 0 ? text.length() : lineEnd);
                // the value itself is masked in the message, which itself ends up in a report
                fail("a secret or token (" + describe(secret) + ") appears in " + file + ": "
                        + line.replace(secret, "<" + describe(secret) + ">"));
            }
        }
    }

    private String describe(String secret) {
        String registered = TestSecrets.ALL.get(secret);
        if (registered != null) {
            return registered;
        }
        return secretsBySource.get("tokens").contains(secret) ? "a token the simulator issued" : "a secret from an apps or API-key file";
    }

    /** The path from the project's directory, as the ledger names the forked apps' logs. */
    private static Path relative(Path file) {
        return Path.of("").toAbsolutePath().relativize(file.toAbsolutePath()).normalize();
    }

    long charactersSearched() {
        return searched.values().stream().mapToLong(Long::longValue).sum();
    }

    int filesSearched() {
        return searched.size();
    }

    List<String> notes() {
        return notes;
    }

    /** Each forked app log in the ledger, with how its app ended (or "started" while running, or if the test never stopped it). */
    static Map<String, String> forkedAppLedger() throws IOException {
        Path ledger = Path.of(System.getProperty(ForkedApp.LEDGER_PROPERTY, "target/test-logs/forked-apps.txt"));
        Map<String, String> endings = new TreeMap<>();
        if (Files.isRegularFile(ledger)) {
            for (String line : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
                String[] fields = line.split("\t", 2);
                if (fields.length == 2) {
                    endings.put(fields[0], fields[1]);
                }
            }
        }
        return endings;
    }

    /** Whether the test ran (in this build or an earlier one whose logs are still here): its report holds the test case, not skipped. */
    private static boolean ran(ForkingTest test) {
        for (Path dir : REPORTS) {
            Path report = dir.resolve("TEST-" + test.reportClass() + ".xml");
            if (Files.isRegularFile(report)) {
                try {
                    Matcher m = Pattern.compile("<testcase name=\"" + Pattern.quote(test.method()) + "\"[^>]*?(/>|>(.*?)</testcase>)",
                            Pattern.DOTALL).matcher(Files.readString(report, StandardCharsets.UTF_8));
                    if (m.find()) {
                        return m.group(2) == null || !m.group(2).contains("<skipped");
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        return false;
    }

    /** The reports in a directory (the running secrets test's own is written after it ends). */
    private static List<Path> reportsOf(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith("TEST-") && f.toString().endsWith(".xml"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String unescape(String xml) {
        return xml.replace("<![CDATA[", "").replace("]]>", "").replace("&lt;", "<").replace("&gt;", ">")
                .replace("&quot;", "\"").replace("&apos;", "'").replace("&amp;", "&");
    }
}
