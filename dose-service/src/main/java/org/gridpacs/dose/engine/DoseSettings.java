package org.gridpacs.dose.engine;

/**
 * How to run a calculation. Histories are split into batches of independent histories, each with its own random
 * stream seeded from (seed, batch index); batch results are summed exactly (fixed-point integers), so the dose is
 * the same for any number of threads.
 *
 * @param seed              random seed
 * @param threads           worker threads (does not change the result)
 * @param histories         histories to run; with a target uncertainty, the most to run
 * @param targetUncertainty stop when the mean relative uncertainty over voxels above 50% of the maximum dose is at
 *                          most this (fraction, e.g. 0.01); 0 to run exactly {@code histories}
 * @param batchHistories    histories per batch when running to a target uncertainty
 * @param photonCut         photon absorption energy, MeV (also the bremsstrahlung production threshold)
 * @param electronCut       electron/positron absorption kinetic energy, MeV
 * @param stepFraction      largest electron step as a fraction of its residual range
 * @param deltaCut          Moller production cut Wcc, MeV: collisions giving a secondary electron more kinetic energy
 *                          are simulated one by one (delta rays), softer ones are in the restricted stopping power;
 *                          0 = the electron cut-off (default, as in DPM); {@code Double.POSITIVE_INFINITY} = no delta
 *                          rays (all collision loss continuous, the engine's behaviour before the class II scheme)
 * @param tracking          photon tracking: regional majorants (default) or one global majorant (for comparisons);
 *                          was the system property {@code -Ddose.majorants=global}, now set per job so that a
 *                          batch runs the same way on every machine that gets it
 * @param crossingCost      cost of one region crossing in null collisions, for the region tree (default
 *                          {@value #DEFAULT_CROSSING_COST}); was {@code -Ddose.majorant.crossingCost}
 */
public record DoseSettings(long seed, int threads, long histories, double targetUncertainty, long batchHistories,
                           double photonCut, double electronCut, double stepFraction, double deltaCut,
                           Tracking tracking, double crossingCost) implements java.io.Serializable {
    public static final double DEFAULT_PHOTON_CUT = 0.05;
    public static final double DEFAULT_ELECTRON_CUT = 0.2;
    public static final double DEFAULT_STEP_FRACTION = 0.2;
    /** Batches per round: the stopping rule is evaluated after every round. */
    public static final int BATCHES_PER_ROUND = 10;
    public static final double DEFAULT_CROSSING_COST = org.gridpacs.dose.transport.Majorants.DEFAULT_CROSSING_COST;

    /** Woodcock majorants for photon tracking. */
    public enum Tracking {
        /** A k-d tree of regions, each with its own majorant (docs/dose-engine.md, "Regional majorants"). */
        REGIONAL,
        /** One region with the global majorant: the tracking before the regions (comparisons and tests). */
        GLOBAL
    }

    public DoseSettings {
        if (threads < 1 || histories < 1 || batchHistories < 1 || targetUncertainty < 0 || photonCut <= 0
                || electronCut <= 0 || stepFraction <= 0 || stepFraction > 1 || !(deltaCut >= 0) || tracking == null
                || !(crossingCost > 0)) {
            throw new IllegalArgumentException("bad dose settings");
        }
    }

    /** Settings with regional majorants and the default crossing cost. */
    public DoseSettings(long seed, int threads, long histories, double targetUncertainty, long batchHistories,
                        double photonCut, double electronCut, double stepFraction, double deltaCut) {
        this(seed, threads, histories, targetUncertainty, batchHistories, photonCut, electronCut, stepFraction, deltaCut,
                Tracking.REGIONAL, DEFAULT_CROSSING_COST);
    }

    /** Settings with the default delta-ray cut (= the electron cut-off). */
    public DoseSettings(long seed, int threads, long histories, double targetUncertainty, long batchHistories,
                        double photonCut, double electronCut, double stepFraction) {
        this(seed, threads, histories, targetUncertainty, batchHistories, photonCut, electronCut, stepFraction, 0);
    }

    /** The Moller production cut in effect, MeV (the electron cut-off unless set). */
    public double wcc() {
        return deltaCut == 0 ? electronCut : deltaCut;
    }

    /** The same with Moller production cut {@code w} MeV (0: the electron cut-off; infinite: no delta rays). */
    public DoseSettings withDeltaCut(double w) {
        return new DoseSettings(seed, threads, histories, targetUncertainty, batchHistories, photonCut, electronCut,
                stepFraction, w, tracking, crossingCost);
    }

    public static DoseSettings histories(long n, long seed) {
        return new DoseSettings(seed, Runtime.getRuntime().availableProcessors(), n, 0, 500_000,
                DEFAULT_PHOTON_CUT, DEFAULT_ELECTRON_CUT, DEFAULT_STEP_FRACTION);
    }

    public DoseSettings withThreads(int n) {
        return new DoseSettings(seed, n, histories, targetUncertainty, batchHistories, photonCut, electronCut, stepFraction, deltaCut, tracking, crossingCost);
    }

    public DoseSettings withHistories(long n) {
        return new DoseSettings(seed, threads, n, targetUncertainty, batchHistories, photonCut, electronCut, stepFraction, deltaCut, tracking, crossingCost);
    }

    public DoseSettings withSeed(long s) {
        return new DoseSettings(s, threads, histories, targetUncertainty, batchHistories, photonCut, electronCut, stepFraction, deltaCut, tracking, crossingCost);
    }

    /** Run until the target relative uncertainty (fraction), at most {@code histories}. */
    public DoseSettings withTarget(double target, long batch) {
        return new DoseSettings(seed, threads, histories, target, batch, photonCut, electronCut, stepFraction, deltaCut, tracking, crossingCost);
    }

    public DoseSettings withCuts(double pcut, double ecut) {
        return new DoseSettings(seed, threads, histories, targetUncertainty, batchHistories, pcut, ecut, stepFraction, deltaCut, tracking, crossingCost);
    }

    public DoseSettings withStepFraction(double f) {
        return new DoseSettings(seed, threads, histories, targetUncertainty, batchHistories, photonCut, electronCut, f, deltaCut, tracking, crossingCost);
    }

    /** The same with photon tracking {@code t}. */
    public DoseSettings withTracking(Tracking t) {
        return new DoseSettings(seed, threads, histories, targetUncertainty, batchHistories, photonCut, electronCut,
                stepFraction, deltaCut, t, crossingCost);
    }

    /** The same with region crossing cost {@code c} (null collisions per crossing). */
    public DoseSettings withCrossingCost(double c) {
        return new DoseSettings(seed, threads, histories, targetUncertainty, batchHistories, photonCut, electronCut,
                stepFraction, deltaCut, tracking, c);
    }
}
