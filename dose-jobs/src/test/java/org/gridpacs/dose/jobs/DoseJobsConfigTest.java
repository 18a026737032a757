package org.gridpacs.dose.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.Properties;

import org.junit.jupiter.api.Test;

class DoseJobsConfigTest {
    @Test
    void theTakeoverGracePeriodIsTwentySecondsUnlessSetAndABadValueNamesItsKey() {
        assertEquals(Duration.ofSeconds(20), DoseJobsConfig.DEFAULTS.takeover());
        Properties p = new Properties();
        p.setProperty("dose.takeoverSeconds", "2.5");
        assertEquals(Duration.ofMillis(2500), DoseJobsConfig.from(p).takeover());
        p.setProperty("dose.takeoverSeconds", "0");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DoseJobsConfig.from(p));
        assertEquals("dose.takeoverSeconds must be between 0.1 and 86400, not 0", e.getMessage());
    }
}
