package org.gridpacs.dose.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.gridpacs.dose.engine.DoseSettings;
import org.gridpacs.dose.engine.MonteCarlo;
import org.gridpacs.dose.engine.ProgressListener;
import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.physics.Media;
import org.gridpacs.dose.physics.PhysicsTables;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.BeamSource;
import org.junit.jupiter.api.Test;

/** The (medium, density) pair table the inner loop reads instead of the phantom's two arrays. */
class VoxelsTest {

    private static void assertSameVoxels(Phantom p, Voxels v) {
        for (int i = 0; i < p.voxels(); i++) {
            int k = v.pair == null ? i : v.pair[i];
            assertEquals(p.material[i], v.medium[k], "medium of voxel " + i);
            assertEquals((double) p.density[i], v.rho[k], 0.0, "density of voxel " + i);
            assertEquals(p.material[i] * PhysicsTables.N, v.offset[k]);
        }
    }

    @Test
    void fewDistinctPairs() {
        Phantom p = new Phantom(20, 30, 10, 0.5, 0.5, 0.5, -5, 0, -2.5);
        p.fill(Media.WATER, 1f);
        p.slabY(3, 6, Media.LUNG, 0.26f);
        p.slabY(8, 9, Media.BONE, 1.85f);
        p.density[17] = 1.02f;
        Voxels v = new Voxels(p, Media.NAMES.size());
        assertNotNull(v.pair);
        assertEquals(4, v.pairs());
        assertSameVoxels(p, v);
        assertEquals(1.85f, v.rhoMax[Media.BONE], 0.0);
        assertEquals(1.02f, v.rhoMax[Media.WATER], 0.0);
        assertEquals(0.0, v.rhoMax[Media.AIR], 0.0);
    }

    /** More distinct pairs than a 16-bit index holds: one pair per voxel, and the transport still conserves energy. */
    @Test
    void tooManyPairsFallBackToOnePerVoxel() {
        Phantom p = new Phantom(50, 50, 30, 0.4, 0.4, 0.4, -10, 0, -6);
        p.fill(Media.WATER, 1f);
        for (int i = 0; i < p.voxels(); i++) {
            p.density[i] = 0.95f + i * 1e-6f;
        }
        Voxels v = new Voxels(p, Media.NAMES.size());
        assertNull(v.pair);
        assertEquals(p.voxels(), v.pairs());
        assertSameVoxels(p, v);
        MonteCarlo.Raw r = MonteCarlo.run(p, new BeamSource(Beam.symmetric(Beam.Kind.MV6, 1, 5, 5, 0, 0, 0)),
                DoseSettings.histories(20_000, 3).withThreads(2), ProgressListener.NONE);
        assertTrue(r.deposited > 0);
        assertEquals(r.entering, r.deposited + r.escaped, 1e-9 * r.entering);
    }
}
