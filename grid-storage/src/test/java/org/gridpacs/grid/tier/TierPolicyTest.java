package org.gridpacs.grid.tier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Properties;

import org.junit.jupiter.api.Test;

/** The tiering keys of conf/grid.properties: defaults off, bad values refused with the key named. */
class TierPolicyTest {

    @Test
    void fillPercentIsOffByDefaultAndAPercentageBelowAHundred() {
        TierPolicy none = TierPolicy.fromProperties(new Properties());
        assertEquals(0, none.fillPercent());
        assertFalse(none.enabled());
        TierPolicy ninety = TierPolicy.fromProperties(props(TierPolicy.FILL_PERCENT, " 90 "));
        assertEquals(90, ninety.fillPercent());
        assertTrue(ninety.enabled(), "the fill level alone turns the policy on");
        for (String bad : new String[] {"100", "-1", "ninety"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> TierPolicy.fromProperties(props(TierPolicy.FILL_PERCENT, bad)));
            assertTrue(e.getMessage().startsWith(TierPolicy.FILL_PERCENT), e.getMessage());
        }
    }

    @Test
    void restageHoursIsOffByDefaultAndNotNegative() {
        assertEquals(0, TierPolicy.fromProperties(new Properties()).restageHours());
        assertEquals(24, TierPolicy.fromProperties(props(TierPolicy.RESTAGE_HOURS, "24")).restageHours());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TierPolicy.fromProperties(props(TierPolicy.RESTAGE_HOURS, "-1")));
        assertTrue(e.getMessage().startsWith(TierPolicy.RESTAGE_HOURS), e.getMessage());
    }

    private static Properties props(String key, String value) {
        Properties p = new Properties();
        p.setProperty(key, value);
        return p;
    }
}
