package org.gridpacs.dose.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;

import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.physics.Media;
import org.gridpacs.dose.source.Beam;
import org.gridpacs.dose.source.BeamSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The executor seam: any {@link BatchExecutor} must give the local pool's dose, to the bit. */
class BatchExecutorTest {
    private static final List<Beam> BEAMS = List.of(Beam.symmetric(Beam.Kind.MV6, 2, 8, 8, 0, 12, 0),
            new Beam(Beam.Kind.CO60, 1, 90, 0, 0, 12, 0, -3, 3, -4, 4, 100));
    private static final DoseSettings SETTINGS = DoseSettings.histories(120_000, 17).withThreads(2);
    private static Calibration calibration;

    @BeforeAll
    static void calibrate() {
        calibration = new DoseEngine(60_000).calibrate(BEAMS, SETTINGS);
    }

    /** 16 x 30 x 16 cm of water with a lung slab and a bone slab across the beam: several majorant regions. */
    private static Phantom phantom() {
        Phantom p = new Phantom(16, 30, 16, 1, 1, 1, -8, 0, -8);
        p.fill(Media.WATER, 1f);
        p.slabY(5, 12, Media.LUNG, 0.26f);
        p.slabY(18, 21, Media.BONE, 1.85f);
        return p;
    }

    @Test
    void sameDoseFromTheLocalPoolAndFromRoundTripsThroughBytes() {
        DoseEngine engine = new DoseEngine();
        DoseJob job = DoseJob.forBeams(phantom(), BEAMS, SETTINGS, calibration);
        DoseResult pool;
        try (LocalPoolExecutor local = new LocalPoolExecutor(2)) {
            pool = engine.calculate(job, local, ProgressListener.NONE, new Cancellation());
        }
        RoundTripExecutor grid = new RoundTripExecutor(3, 1);
        DoseJob received = (DoseJob) RoundTripExecutor.deserialize(RoundTripExecutor.serialize(job));
        DoseResult other = engine.calculate(received, grid, ProgressListener.NONE, new Cancellation());
        assertEquals(10, grid.batchesRun);
        assertTrue(pool.maxDose() > 0);
        assertArrayEquals(pool.dose(), other.dose());
        assertArrayEquals(pool.uncertainty(), other.uncertainty());
        assertEquals(pool.enteringMeV(), other.enteringMeV());
        assertEquals(pool.depositedMeV(), other.depositedMeV());
        assertEquals(pool.escapedMeV(), other.escapedMeV());
        assertEquals(pool.meanUncertainty(), other.meanUncertainty());
        assertEquals(pool.histories(), other.histories());
        assertEquals(pool.batches(), other.batches());
        // and the convenience API (local pool from the settings) gives the same
        DoseResult api = engine.calculate(phantom(), BEAMS, SETTINGS.withThreads(1), calibration, ProgressListener.NONE);
        assertArrayEquals(pool.dose(), api.dose());
    }

    @Test
    void sameTallyRoundByRoundToATargetUncertainty() {
        DoseJob job = DoseJob.raw(phantom(), new BeamSource(BEAMS.get(0)),
                SETTINGS.withHistories(2_000_000).withTarget(0.08, 4_000));
        AtomicInteger rounds = new AtomicInteger();
        AtomicInteger reports = new AtomicInteger();
        MonteCarlo.Raw pool;
        try (LocalPoolExecutor local = new LocalPoolExecutor(2)) {
            BatchExecutor counting = new BatchExecutor() {
                @Override
                public void run(DoseJob j, List<Batch> b, Tally into, BatchListener l, Cancellation c)
                        throws InterruptedException {
                    rounds.incrementAndGet();
                    local.run(j, b, into, l, c);
                }

                @Override
                public double cpuSeconds() {
                    return local.cpuSeconds();
                }

                @Override
                public void close() {
                }
            };
            pool = MonteCarlo.run(job, counting, (d, p, u) -> reports.incrementAndGet(), new Cancellation());
            assertTrue(pool.cpuSeconds > 0);
        }
        MonteCarlo.Raw other = MonteCarlo.run(job, new RoundTripExecutor(2, 7), ProgressListener.NONE, new Cancellation());
        assertTrue(rounds.get() >= 2, "rounds " + rounds);
        // rounds grow towards the target (a few rounds, not one per 10 batches), and progress comes per batch too
        assertTrue(pool.batches > 2 * rounds.get() * DoseSettings.BATCHES_PER_ROUND || rounds.get() <= 3,
                pool.batches + " batches in " + rounds + " rounds");
        assertEquals(pool.batches + rounds.get(), reports.get(), "one report per batch and one per round");
        assertArrayEquals(pool.tally.toBytes(), other.tally.toBytes());
        assertEquals(pool.uncertainty, other.uncertainty);
        assertTrue(pool.uncertainty <= 0.08);
    }

    @Test
    void roundsAimAtTheTargetWithoutJumpingAtIt() {
        // 1% reached with 10^6 histories: 2% needs 4 x 10^6, the next round aims at 90% of the 3 x 10^6 missing
        assertEquals(2_700_000, MonteCarlo.nextRoundHistories(1_000_000, 0.04, 0.02));
        // far from the target, a round grows at most to 3 x the histories done
        assertEquals(3_000_000, MonteCarlo.nextRoundHistories(1_000_000, 0.5, 0.01));
        // nothing scored yet: one more standard round
        assertEquals(0, MonteCarlo.nextRoundHistories(1_000_000, Double.NaN, 0.01));
    }

    @Test
    void cancelledJobThrowsAndThePoolRunsTheNextOne() throws Exception {
        DoseJob job = DoseJob.raw(phantom(), new BeamSource(BEAMS.get(0)), SETTINGS.withHistories(50_000));
        List<Batch> batches = new BatchPlan(job.settings()).nextRound();
        try (LocalPoolExecutor local = new LocalPoolExecutor(1)) {
            Cancellation cancel = new Cancellation();
            AtomicInteger done = new AtomicInteger();
            int voxels = job.phantom().voxels();
            assertThrows(CancellationException.class, () -> local.run(job, batches, new Tally(voxels), b -> {
                done.incrementAndGet();
                cancel.cancel();
            }, cancel));
            assertEquals(1, done.get(), "one thread: the first batch ran, the others were skipped");
            Cancellation already = new Cancellation();
            already.cancel();
            assertThrows(CancellationException.class, () -> MonteCarlo.run(job, local, ProgressListener.NONE, already));
            Tally next = new Tally(voxels);
            local.run(job, batches, next, BatchListener.NONE, new Cancellation());
            Tally roundTrip = new Tally(voxels);
            new RoundTripExecutor(1, 3).run(job, batches, roundTrip, BatchListener.NONE, new Cancellation());
            assertEquals(roundTrip, next);
        }
    }

    @Test
    void calibrationTravelsWithTheJobAndMustMatchItsPhysics() {
        DoseJob job = DoseJob.forBeams(phantom(), BEAMS, SETTINGS, calibration);
        DoseJob received = (DoseJob) RoundTripExecutor.deserialize(RoundTripExecutor.serialize(job));
        for (Beam.Kind k : Beam.Kind.values()) {
            assertEquals(calibration.reference(k).photonsPerMuPerSr(), received.calibration().reference(k).photonsPerMuPerSr());
            assertEquals(calibration.reference(k).dmax(), received.calibration().reference(k).dmax());
        }
        assertEquals(job.photonsTotal(), received.photonsTotal());
        assertTrue(calibration.matches(SETTINGS.withSeed(99).withThreads(1)), "seed and threads do not matter");
        assertThrows(IllegalArgumentException.class,
                () -> DoseJob.forBeams(phantom(), BEAMS, SETTINGS.withCuts(0.01, 0.2), calibration));
        Calibration co60Only = Calibration.compute(List.of(Beam.Kind.CO60), SETTINGS, 1_000);
        assertThrows(IllegalArgumentException.class, () -> DoseJob.forBeams(phantom(), BEAMS, SETTINGS, co60Only));
        assertNull(DoseJob.raw(phantom(), new BeamSource(BEAMS.get(0)), SETTINGS).calibration());
        assertThrows(IllegalArgumentException.class, () -> new DoseEngine().calculate(
                DoseJob.raw(phantom(), new BeamSource(BEAMS.get(0)), SETTINGS), new RoundTripExecutor(1, 1),
                ProgressListener.NONE, new Cancellation()));
    }

    /** The former -Ddose.majorants=global, now a setting: other flights where regions differ, none in one region. */
    @Test
    void trackingIsASettingOfTheJob() {
        BeamSource src = new BeamSource(BEAMS.get(0));
        DoseSettings s = SETTINGS.withHistories(30_000);
        DoseSettings global = s.withTracking(DoseSettings.Tracking.GLOBAL);
        assertNotEquals(MonteCarlo.run(phantom(), src, s, ProgressListener.NONE).tally,
                MonteCarlo.run(phantom(), src, global, ProgressListener.NONE).tally);
        Phantom water = phantom();
        water.fill(Media.WATER, 1f);
        assertEquals(MonteCarlo.run(water, src, s, ProgressListener.NONE).tally,
                MonteCarlo.run(water, src, global, ProgressListener.NONE).tally);
        assertEquals(MonteCarlo.run(phantom(), src, s, ProgressListener.NONE).tally,
                MonteCarlo.run(phantom(), src, s.withCrossingCost(DoseSettings.DEFAULT_CROSSING_COST), ProgressListener.NONE).tally);
    }
}
