package dev.wxacode.simulator;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes every token the simulator issues to the file named by the system property
 * {@code wxacode.token-ledger}, across the test JVMs of one build, so that the last test can look
 * for all of them in all the logs. Without the property (local mode) it records nothing.
 */
final class TokenLedger {

    private static final String FILE = System.getProperty("wxacode.token-ledger");
    private static boolean reset = Boolean.getBoolean("wxacode.token-ledger.reset");

    private TokenLedger() {
    }

    static synchronized void record(String token) {
        if (FILE == null) {
            return;
        }
        try {
            Path path = Path.of(FILE);
            Files.createDirectories(path.toAbsolutePath().getParent());
            if (reset) {
                Files.deleteIfExists(path);
                reset = false;
            }
            Files.writeString(path, token + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
