package org.gridpacs.dose.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Properties;

import org.gridpacs.dose.dicom.DoseInputException;
import org.gridpacs.dose.engine.DoseSettings;
import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.phantom.SyntheticPhantoms;
import org.gridpacs.dose.source.Beam;
import org.junit.jupiter.api.Test;

/** Beam descriptions (command line and JSON forms) to engine beams, and the settings a job runs with. */
class BeamDescriptionTest {

    @Test
    void theCommandLineFormParses() {
        BeamSpec b = BeamSpec.parse("6mv 10x20 ssd=90 mu=150 gantry=90 collimator=15");
        assertEquals(Beam.Kind.MV6, b.energy());
        assertEquals(List.of(-5.0, 5.0, -10.0, 10.0), List.of(b.x1(), b.x2(), b.y1(), b.y2()));
        assertEquals(90.0, b.ssd());
        assertEquals(150.0, b.mu());
        assertEquals(90.0, b.gantry());
        assertEquals(15.0, b.collimator());
        BeamSpec iso = BeamSpec.parse("co60 jaws=-2,3,-4,5 iso=10,20,30");
        assertEquals(List.of(10.0, 20.0, 30.0), iso.isocenter());
        assertEquals(100.0, BeamSpec.parse("6x 5x5").ssd(), "SSD 100 by default");
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BeamSpec.parse("18mv 10x10")).getMessage()
                .contains("only 6mv and co60"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BeamSpec.parse("6mv 10x10 wedge=60"))
                .getMessage().contains("unknown beam word 'wedge=60'"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> BeamSpec.parse("6mv 50x10")).getMessage()
                .contains("within 40 x 40 cm"));
    }

    @Test
    void anSsdPutsTheIsocentreBelowTheSkinOnTheAxisThroughTheMiddleOfTheCt() throws Exception {
        // 30 cm water cube at 0.5 cm voxels with 5 cm of air in front (y from -5): skin at y = 0
        Phantom p = new Phantom(60, 70, 60, 0.5, 0.5, 0.5, -15, -5, -15);
        for (int iz = 0; iz < p.nz; iz++) {
            for (int iy = 10; iy < p.ny; iy++) {
                for (int ix = 0; ix < p.nx; ix++) {
                    p.density[p.index(ix, iy, iz)] = 1f;
                }
            }
        }
        Beam b = BeamGeometry.toBeam(BeamSpec.parse("6mv 10x10 ssd=90 mu=100"), p, 1);
        assertEquals(0, b.isoX(), 1e-9);
        assertEquals(10, b.isoY(), 0.13); // skin found within a quarter voxel, 10 cm deeper
        assertEquals(0, b.isoZ(), 1e-9);
        assertEquals(-90, b.sourcePosition()[1], 0.13, "source 90 cm from the skin");
        Beam iso = BeamGeometry.toBeam(BeamSpec.parse("6mv 10x10 iso=12,34,-56"), p, 1);
        assertEquals(List.of(1.2, 3.4, -5.6), List.of(iso.isoX(), iso.isoY(), iso.isoZ()));

        Phantom air = SyntheticPhantoms.grid(10, 10, 10, 1, 1, 1);
        DoseInputException e = assertThrows(DoseInputException.class,
                () -> BeamGeometry.toBeam(BeamSpec.parse("6mv 10x10 gantry=90"), air, 2));
        assertTrue(e.getMessage().startsWith("beam 2 at gantry 90.0 misses the patient"), e.getMessage());
    }

    @Test
    void aJobRunsToItsUncertaintyOrForItsHistories() {
        DoseJobsConfig c = DoseJobsConfig.DEFAULTS;
        MonteCarloCalculation calc = new MonteCarloCalculation(c, null, null, null, null);
        DoseSettings target = calc.settings(new JobRequest("1.2", "1.3", List.of(), 1.5, null, 9L));
        assertEquals(0.015, target.targetUncertainty(), 1e-12);
        assertEquals(9, target.seed());
        assertEquals(c.maxHistories(), target.histories());
        DoseSettings fixed = calc.settings(new JobRequest("1.2", "1.3", List.of(), null, 5000L, 1L));
        assertEquals(0, fixed.targetUncertainty());
        assertEquals(5000, fixed.histories());
    }

    @Test
    void settingsAreReadAndBadOnesNamed() {
        Properties p = new Properties();
        p.setProperty("dose.stableSeconds", "2");
        p.setProperty("dose.waitForCtMinutes", "1.5");
        p.setProperty("dose.bitsAllocated", "32");
        DoseJobsConfig c = DoseJobsConfig.from(p);
        assertEquals(2000, c.stable().toMillis());
        assertEquals(90, c.waitForCt().toSeconds());
        assertEquals(32, c.bitsAllocated());
        assertTrue(DoseJobsConfig.DEFAULTS.onArrival() && DoseJobsConfig.DEFAULTS.enabled());
        assertEquals(2.0, DoseJobsConfig.DEFAULTS.uncertainty());
        p.setProperty("dose.bitsAllocated", "24");
        assertEquals("dose.bitsAllocated must be 16 or 32, not 24",
                assertThrows(IllegalArgumentException.class, () -> DoseJobsConfig.from(p)).getMessage());
        p.setProperty("dose.bitsAllocated", "16");
        p.setProperty("dose.onArrival", "yes");
        assertEquals("dose.onArrival must be true or false, not 'yes'",
                assertThrows(IllegalArgumentException.class, () -> DoseJobsConfig.from(p)).getMessage());
    }
}
