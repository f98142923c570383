package dev.wxacode.http;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeysTest {

    @Test
    void noKeyConfiguredStopsStartUpAndSaysWhatToSet() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiKeys.of(" , ", ""));

        assertTrue(e.getMessage().contains("HTTP_AUTH_API_KEY"), e.getMessage());
        assertTrue(e.getMessage().contains("http.auth.mode=none"), e.getMessage());
    }

    @Test
    void anyOfSeveralKeysIsAccepted() {
        ApiKeys keys = ApiKeys.of("first-key, second-key", null);

        assertDoesNotThrow(() -> keys.check("Bearer first-key"));
        assertDoesNotThrow(() -> keys.check("Bearer second-key"));
        assertThrows(UnauthorizedException.class, () -> keys.check("Bearer third-key"));
    }

    @Test
    void aMissingKeyFileIsReportedByItsPath() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiKeys.of("", "/no/such/keys.txt"));

        assertTrue(e.getMessage().contains("/no/such/keys.txt"), e.getMessage());
    }

    /**
     * A key file that exists and holds keys but cannot be read as a whole: a byte that is not UTF-8
     * after two keys. Reading starts, so the keys have been in memory; the report names the file
     * and the kind of failure, never a key. (File permissions cannot make it unreadable here: the
     * tests may run as root, who reads any file.)
     */
    @Test
    void anUnreadableKeyFileIsReportedWithoutItsContents(@TempDir Path folder) throws Exception {
        Path file = folder.resolve("keys.txt");
        byte[] keys = "# mounted secret\nsecret-key-0a1b2c3d\nsecret-key-4e5f6a7b\n".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = Arrays.copyOf(keys, keys.length + 2);
        bytes[keys.length] = (byte) 0xFF;
        bytes[keys.length + 1] = '\n';
        Files.write(file, bytes);
        assertTrue(Files.isReadable(file) && Files.size(file) > 0, "the file exists, with contents");

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiKeys.of("", file.toString()));

        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("MalformedInputException"), "says why: " + e.getMessage());
        assertFalse(e.getMessage().contains("secret-key"), "no key in: " + e.getMessage());
        assertFalse(e.getMessage().contains("mounted secret"), "no line of the file in: " + e.getMessage());
        assertNull(e.getCause(), "no cause that a logger would print with its own message");
    }

    /** A mount gone wrong: the path names a folder, which exists but is no file of keys. */
    @Test
    void aFolderInPlaceOfTheKeyFileIsReportedByItsPath(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("secret-key-in-the-folder"), "secret-key-0a1b2c3d\n");
        assertTrue(Files.isDirectory(folder));

        IllegalStateException e = assertThrows(IllegalStateException.class, () -> ApiKeys.of("", folder.toString()));

        assertTrue(e.getMessage().contains(folder.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("secret-key"), e.getMessage());
    }

    @Test
    void openLetsEveryoneIn() {
        assertDoesNotThrow(() -> ApiKeys.open().check(null));
    }
}
