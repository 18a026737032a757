package org.gridpacs.dose.phantom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.gridpacs.dose.physics.Media;
import org.junit.jupiter.api.Test;

/** HU calibrations and CT arrays to phantom. */
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

    @Test
    void ctSlicesSortedRescaledAndPlaced() {
        HuCalibration c = HuCalibration.fourMedium();
        short[][] px = new short[3][];
        double[][] pos = new double[3][];
        // stored value = HU + 1024 (slope 1, intercept -1024); slices given out of order
        int[] order = {2, 0, 1};
        for (int k = 0; k < 3; k++) {
            int z = order[k];
            px[k] = new short[] {(short) (z == 0 ? 24 : 1024), 1024, 1024, 1024, 1024, 1024};
            pos[k] = new double[] {-10, -20, 5 + 2.5 * z};
        }
        Phantom p = CtVolume.toPhantom(px, pos, new double[] {1, 0, 0, 0, 1, 0}, 2, 3, 2.0, 1.0, 1, -1024, c);
        assertEquals(3, p.nx);
        assertEquals(2, p.ny);
        assertEquals(3, p.nz);
        assertEquals(0.1, p.dx, 1e-12);
        assertEquals(0.2, p.dy, 1e-12);
        assertEquals(0.25, p.dz, 1e-12);
        assertEquals(-1.05, p.x0, 1e-12);
        assertEquals(0.5 - 0.125, p.z0, 1e-12);
        assertEquals(Media.AIR, p.material[p.index(0, 0, 0)]);
        assertEquals(Media.SOFT_TISSUE, p.material[p.index(0, 0, 1)]);
    }

    @Test
    void refusesTiltedGantryAndObliqueSlices() {
        HuCalibration c = HuCalibration.fourMedium();
        short[][] px = {{0}, {0}};
        double[][] tilted = {{0, 0, 0}, {0, 1.5, 2.5}};
        assertThrows(IllegalArgumentException.class,
                () -> CtVolume.toPhantom(px, tilted, new double[] {1, 0, 0, 0, 1, 0}, 1, 1, 1, 1, 1, 0, c));
        double[][] ok = {{0, 0, 0}, {0, 0, 2.5}};
        assertThrows(IllegalArgumentException.class,
                () -> CtVolume.toPhantom(px, ok, new double[] {1, 0, 0, 0, 0.9, 0.436}, 1, 1, 1, 1, 1, 0, c));
    }
}
