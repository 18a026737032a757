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

    @Test
    void theCalibrationRunsFourMillionHistoriesUnlessSetAndABadValueNamesItsKey() {
        assertEquals(4_000_000, DoseJobsConfig.DEFAULTS.calibrationHistories());
        Properties p = new Properties();
        p.setProperty("dose.calibrationHistories", "500000");
        assertEquals(500_000, DoseJobsConfig.from(p).calibrationHistories());
        assertEquals(500_000, DoseJobsConfig.from(p).withTakeover(Duration.ofSeconds(3)).calibrationHistories());
        p.setProperty("dose.calibrationHistories", "100");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DoseJobsConfig.from(p));
        assertEquals("dose.calibrationHistories must be between 10000 and 10000000000, not 100", e.getMessage());
    }
}
