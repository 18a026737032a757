package org.gridpacs.federation.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.StringReader;
import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class QuerySettingsTest {
    private static QuerySettings read(String text) throws Exception {
        Properties p = new Properties();
        p.load(new StringReader(text));
        return QuerySettings.read(p);
    }

    @Test
    void theTimeoutIsReadWithADefault() throws Exception {
        assertEquals(Duration.ofSeconds(10), read("federation.enabled = true\n").timeout());
        assertEquals(Duration.ofSeconds(4), read("federation.query.timeout-seconds = 4\n").timeout());
    }

    @Test
    void theKeepAliveIsReadWithADefaultAndZeroTurnsItOff() throws Exception {
        assertEquals(Duration.ofSeconds(30), read("federation.enabled = true\n").keepAlive());
        assertEquals(Duration.ZERO, read("federation.query.keep-alive-seconds = 0\n").keepAlive());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read("federation.query.keep-alive-seconds = -1\n"));
        assertEquals("federation.query.keep-alive-seconds: '-1' is not a number of seconds (0 to 600)",
                e.getMessage());
    }

    @Test
    void badValuesAndTyposNameTheKey() {
        for (String bad : new String[] {"0", "-3", "601", "ten", "2.5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> read("federation.query.timeout-seconds = " + bad + "\n"));
            assertEquals("federation.query.timeout-seconds: '" + bad + "' is not a number of seconds (1 to 600)",
                    e.getMessage());
        }
        IllegalArgumentException typo = assertThrows(IllegalArgumentException.class,
                () -> read("federation.query.timeout = 5\n"));
        assertEquals("federation.query.timeout: unknown setting (known: [federation.query.keep-alive-seconds, "
                + "federation.query.timeout-seconds])",
                typo.getMessage());
    }
}
