package org.gridpacs.grid;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** conf/grid.properties: every key has a working default, and a bad value is refused naming its key. */
class GridSettingsTest {
    @TempDir
    Path run;

    @BeforeEach
    void credential() throws IOException {
        Files.createDirectories(run.resolve("grid"));
        Files.writeString(run.resolve("grid/s3-credential"), "secret-of-the-test\n");
    }

    private static Properties props(String... lines) {
        Properties p = new Properties();
        for (String s : lines) {
            int eq = s.indexOf('=');
            p.setProperty(s.substring(0, eq).trim(), s.substring(eq + 1).trim());
        }
        return p;
    }

    @Test
    void theDefaultsAreScriptsRunsGrid() throws IOException {
        GridSettings s = GridSettings.fromProperties(new Properties(), run);
        assertTrue(s.enabled());
        assertEquals("s3://gridpacs/archive", s.location());
        assertEquals("http://127.0.0.1:9480", s.s3().endpoint().toString());
        assertEquals("gridpacs", s.s3().accessKey());
        assertEquals("secret-of-the-test", s.s3().secretKey());
        assertEquals(run.resolve("grid/keys/grid-keys.p12"), s.keystore());
        assertEquals(run.resolve("grid/keys/grid-keys.password"), s.passwordFile());
        assertEquals(null, s.currentKey());
        assertTrue(s.offsiteCopy());
        assertEquals(Duration.ofSeconds(1), s.backoff().after(1));
        assertEquals(Duration.ofSeconds(4), s.backoff().after(3));
        assertEquals(Duration.ofSeconds(300), s.backoff().after(40));
        assertFalse(s.toString().contains("secret-of-the-test"), "no secret in " + s);
    }

    @Test
    void offMeansOff() throws IOException {
        assertFalse(GridSettings.fromProperties(props("grid.enabled = false"), run).enabled());
    }

    @Test
    void badValuesAreRefusedNamingTheirKey() {
        assertNamed("grid.enabled", "grid.enabled = maybe");
        assertNamed("grid.location", "grid.location = http://bucket/x");
        assertNamed("grid.offsite.retry.first-seconds", "grid.offsite.retry.first-seconds = 600");
        assertNamed("grid.offsite.retry.max-seconds", "grid.offsite.retry.max-seconds = soon");
        assertNamed("grid.s3.endpoint", "grid.s3.endpoint = ftp://127.0.0.1:21");
        assertNamed("grid.s3.part-size-mb", "grid.s3.part-size-mb = 1");
        assertNamed("grid.s3.secret-key-file", "grid.s3.secret-key-file = grid/none");
    }

    private void assertNamed(String key, String line) {
        Exception e = assertThrows(Exception.class, () -> GridSettings.fromProperties(props(line), run));
        assertTrue(e.getMessage().contains(key), line + ": " + e.getMessage());
    }
}
