package org.gridpacs.dose.phantom;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.gridpacs.dose.physics.Media;
import org.junit.jupiter.api.Test;

/** HU calibrations (CT slices to phantom: CtSeriesReaderTest). */
class PhantomTest {

    @Test
    void fourMediumRamp() {
        HuCalibration c = HuCalibration.fourMedium();
        assertEquals(Media.AIR, c.medium(-1000));
        assertEquals(Media.LUNG, c.medium(-800));
        assertEquals(Media.SOFT_TISSUE, c.medium(0));
        assertEquals(Media.BONE, c.medium(1000));
        assertEquals(0.044, c.density(-974), 1e-6);
        // soft tissue ramp: 0.302 at -724 to 1.101 at 101
        assertEquals(0.302 + 724 * (1.101 - 0.302) / 825, c.density(0), 1e-6);
        assertEquals(2.088, c.density(3000), 1e-6);
    }

    @Test
    void schneiderDensity() {
        HuCalibration c = HuCalibration.schneider();
        assertEquals(1.03, c.density(14), 1e-6);
        assertEquals(0.93, c.density(-98), 1e-6);
        assertEquals(Media.LUNG, c.medium(-500));
        assertEquals(Media.BONE, c.medium(500));
    }

    @Test
    void schneiderMediaFollowTheCompositionTableBins() {
        HuCalibration c = HuCalibration.schneider();
        // the bin edges of hu_material_schneider2000.csv: Air below -950, Lung below -120, the tissue bins below
        // 120 (Marrow_Bone01 starts there), bone, tooth and implants above
        assertEquals(Media.AIR, c.medium(-3000));
        assertEquals(Media.AIR, c.medium(-950.5));
        assertEquals(Media.LUNG, c.medium(-950));
        assertEquals(Media.LUNG, c.medium(-120.5));
        assertEquals(Media.SOFT_TISSUE, c.medium(-120));
        assertEquals(Media.SOFT_TISSUE, c.medium(119.5));
        assertEquals(Media.BONE, c.medium(120));
        assertEquals(Media.BONE, c.medium(1700));
        assertEquals(Media.BONE, c.medium(5000));
    }
}
