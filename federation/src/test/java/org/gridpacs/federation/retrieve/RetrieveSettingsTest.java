package org.gridpacs.federation.retrieve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class RetrieveSettingsTest {

    private static RetrieveSettings parse(String text) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return RetrieveSettings.parse(p);
    }

    @Test
    void defaultsAndTheShippedFile() throws Exception {
        assertEquals(10_000, parse("federation.enabled = true\n").locateTimeoutMillis());
        assertEquals(2_500, parse("federation.retrieve.locate-timeout-ms = 2500\n").locateTimeoutMillis());
        assertTrue(parse("federation.retrieve.cache = true\n").cache());
        // the file in conf/ (keys commented out) gives the defaults
        assertEquals(RetrieveSettings.DEFAULT, RetrieveSettings.load(Path.of("../conf/federation.properties")));
    }

    @Test
    void badValuesAndUnknownKeysAreNamed() {
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> parse("federation.retrieve.locate-timeout-ms = soon\n"));
        assertTrue(bad.getMessage().startsWith("federation.retrieve.locate-timeout-ms: 'soon'"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> parse("federation.retrieve.locate-timeout-ms = 0\n"));
        IllegalArgumentException notBoolean = assertThrows(IllegalArgumentException.class,
                () -> parse("federation.retrieve.cache = yes\n"));
        assertTrue(notBoolean.getMessage().startsWith("federation.retrieve.cache: 'yes'"), notBoolean.getMessage());
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> parse("federation.retrieve.locate-timout-ms = 5\n"));
        assertTrue(typo.getMessage().startsWith("federation.retrieve.locate-timout-ms: unknown key"), typo.getMessage());
    }
}
