package org.gridpacs.gateway.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import org.gridpacs.dose.engine.Calibration;
import org.gridpacs.dose.engine.DoseEngine;
import org.gridpacs.dose.engine.DoseResult;
import org.gridpacs.dose.engine.DoseSettings;
import org.gridpacs.dose.engine.ProgressListener;
import org.gridpacs.dose.engine.Profiles;
import org.gridpacs.dose.phantom.Phantom;
import org.gridpacs.dose.phantom.SyntheticPhantoms;
import org.gridpacs.dose.source.Beam;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code pacs dose}: Monte Carlo dose of one beam in a synthetic phantom, written as CSV read-outs. */
@Command(name = "dose",
        description = {"Monte Carlo photon dose of a beam in a synthetic 30 x 30 x 30 cm phantom (surface at the beam "
                + "entry, beam along the phantom's y axis). Writes central-axis.csv, profile-<depth>cm.csv and "
                + "summary.txt to the output folder. Dose is absolute: 1 MU gives 1 cGy at dmax of a 10 x 10 field at "
                + "SSD 100 in water."},
        footer = {"", "Example:",
                "  pacs dose --phantom water --beam 6mv --field 10x10 --ssd 100 --voxel 0.3 --uncertainty 1 --seed 7 --out dose-out"})
final class DoseCommand implements Callable<Integer> {

    @Option(names = "--phantom", defaultValue = "water", paramLabel = "NAME",
            description = "water, slab-lung (water|lung 3-10 cm|water) or slab-bone (water|bone 3-5 cm|water) (default: ${DEFAULT-VALUE}).")
    String phantom;

    @Option(names = "--beam", defaultValue = "6mv", paramLabel = "ENERGY", description = "6mv or co60 (default: ${DEFAULT-VALUE}).")
    String beam;

    @Option(names = "--field", defaultValue = "10x10", paramLabel = "WxL",
            description = "Field size at the isocentre (100 cm from the source), cm (default: ${DEFAULT-VALUE}).")
    String field;

    @Option(names = "--ssd", defaultValue = "100", paramLabel = "CM", description = "Source to surface distance, cm (default: ${DEFAULT-VALUE}).")
    double ssd;

    @Option(names = "--mu", defaultValue = "1", paramLabel = "MU", description = "Monitor units (default: ${DEFAULT-VALUE}: dose per MU).")
    double mu;

    @Option(names = "--voxel", defaultValue = "0.5", paramLabel = "CM", description = "Voxel size, cm (default: ${DEFAULT-VALUE}).")
    double voxel;

    @Option(names = "--uncertainty", paramLabel = "PERCENT",
            description = "Stop when the mean relative uncertainty of the voxels above 50%% of the maximum dose is this (default 2 unless --histories).")
    Double uncertainty;

    @Option(names = "--histories", paramLabel = "N",
            description = "Histories to run; with --uncertainty, the most to run (default 1e9 then).")
    Long histories;

    @Option(names = "--threads", paramLabel = "N", description = "Worker threads (default: all cores). The result does not depend on it.")
    Integer threads;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output folder.")
    Path out;

    @Option(names = "--progress", description = "Draw the progress bar even when stderr is not a terminal.")
    boolean forceProgress;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Beam.Kind kind = switch (beam.toLowerCase(Locale.ROOT)) {
            case "6mv", "6x", "mv6" -> Beam.Kind.MV6;
            case "co60", "co-60", "cobalt" -> Beam.Kind.CO60;
            default -> throw new UsageException("--beam must be 6mv or co60");
        };
        String[] wl = field.toLowerCase(Locale.ROOT).split("x");
        double fx;
        double fy;
        try {
            fx = Double.parseDouble(wl[0]);
            fy = Double.parseDouble(wl.length > 1 ? wl[1] : wl[0]);
        } catch (NumberFormatException e) {
            throw new UsageException("--field must look like 10x10");
        }
        if (fx <= 0 || fy <= 0 || fx > 40 || fy > 40) {
            throw new UsageException("--field must be within 40 x 40 cm");
        }
        if (voxel < 0.1 || voxel > 5) {
            throw new UsageException("--voxel must be between 0.1 and 5 cm");
        }
        if (ssd < 50 || ssd > 200) {
            throw new UsageException("--ssd must be between 50 and 200 cm");
        }
        Phantom ph = switch (phantom.toLowerCase(Locale.ROOT)) {
            case "water" -> SyntheticPhantoms.water(voxel);
            case "slab-lung", "lung" -> SyntheticPhantoms.waterLungWater(voxel);
            case "slab-bone", "bone" -> SyntheticPhantoms.waterBoneWater(voxel);
            default -> throw new UsageException("--phantom must be water, slab-lung or slab-bone");
        };
        int nThreads = threads != null ? threads : Runtime.getRuntime().availableProcessors();
        if (nThreads < 1) {
            throw new UsageException("--threads must be at least 1");
        }
        DoseSettings settings;
        if (histories != null && uncertainty == null) {
            settings = DoseSettings.histories(histories, seed).withThreads(nThreads);
        } else {
            double target = (uncertainty != null ? uncertainty : 2.0) / 100;
            if (target <= 0) {
                throw new UsageException("--uncertainty must be positive");
            }
            settings = DoseSettings.histories(histories != null ? histories : 1_000_000_000L, seed)
                    .withThreads(nThreads).withTarget(target, 100_000);
        }
        // source at -ssd on the y axis, isocentre 100 cm from it
        Beam b = new Beam(kind, mu, 0, 0, 0, 100 - ssd, 0, -fx / 2, fx / 2, -fy / 2, fy / 2, 100);
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter outw = spec.commandLine().getOut();
        err.printf("pacs dose: calibrating %s (10x10, SSD 100, %d histories)...%n", kind, Calibration.DEFAULT_HISTORIES);
        err.flush();
        long t0 = System.nanoTime();
        DoseEngine engine = new DoseEngine();
        // calibrated once here and handed to the job (the engine keeps no cache): the summary needs its dmax too
        Calibration calibration = engine.calibrate(List.of(b), settings);
        Calibration.Reference ref = calibration.reference(kind);
        double calSeconds = (System.nanoTime() - t0) / 1e9;
        DoseResult r;
        try (DoseProgress bar = DoseProgress.wanted(forceProgress) ? new DoseProgress(err, settings.targetUncertainty()) : null) {
            ProgressListener l = bar != null ? bar : ProgressListener.NONE;
            r = engine.calculate(ph, List.of(b), settings, calibration, l);
        }
        Files.createDirectories(out);
        writeCentralAxis(r, out.resolve("central-axis.csv"));
        double penumbra = Double.NaN;
        for (double depth : new double[] {ref.dmax(), 5, 10, 20}) {
            double p = writeProfile(r, depth, out.resolve(String.format(Locale.ROOT, "profile-%.1fcm.csv", depth)));
            if (depth == 10) {
                penumbra = p;
            }
        }
        String summary = String.format(Locale.ROOT, String.join("%n",
                        "phantom: %s, %d x %d x %d voxels of %.2f cm",
                        "beam: %s, field %.1f x %.1f cm at the isocentre, SSD %.1f cm, %.2f MU",
                        "histories: %d in %d batches, seed %d, %d threads",
                        "time: %.2f s (plus %.2f s calibration), %.0f histories/s",
                        "uncertainty reached: %.2f%% (mean relative, voxels above 50%% of max dose)",
                        "max dose: %.5f Gy",
                        "calibration: dmax %.2f cm, %.4g source photons per MU per sr",
                        "energy balance: entering %.6g MeV, deposited %.6g MeV, escaped %.6g MeV, error %.2e",
                        "penumbra 20-80%% at 10 cm (+x side): %.2f cm", ""),
                phantom, ph.nx, ph.ny, ph.nz, voxel, kind, fx, fy, ssd, mu, r.histories(), r.batches(), seed, nThreads,
                r.seconds(), calSeconds, r.historiesPerSecond(), 100 * r.meanUncertainty(), r.maxDose(), ref.dmax(),
                ref.photonsPerMuPerSr(), r.enteringMeV(), r.depositedMeV(), r.escapedMeV(), r.energyBalanceError(), penumbra);
        Files.writeString(out.resolve("summary.txt"), summary, StandardCharsets.UTF_8);
        outw.print(summary);
        outw.flush();
        return 0;
    }

    private static void writeCentralAxis(DoseResult r, Path file) throws IOException {
        Phantom p = r.phantom();
        StringBuilder sb = new StringBuilder("depth_cm,dose_gy,uncertainty_percent\n");
        for (int iy = 0; iy < p.ny; iy++) {
            double d = Profiles.axisValue(p, iy, i -> r.dose()[i]);
            double u = Profiles.axisUncertainty(p, iy, i -> r.dose()[i], i -> r.uncertainty()[i]);
            sb.append(String.format(Locale.ROOT, "%.3f,%.6e,%.2f%n", p.centreY(iy) - p.y0, d, 100 * u));
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    /** Writes the x profile at the depth row nearest to depth; returns the 20-80% penumbra. */
    private static double writeProfile(DoseResult r, double depth, Path file) throws IOException {
        Phantom p = r.phantom();
        int row = Profiles.row(p, p.y0 + depth);
        double[] dose = Profiles.profileX(p, row, i -> r.dose()[i]);
        double[] unc = Profiles.profileX(p, row, i -> r.uncertainty()[i]);
        double[] x = new double[p.nx];
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "# depth %.3f cm%nx_cm,dose_gy,uncertainty_percent%n",
                p.centreY(row) - p.y0));
        for (int ix = 0; ix < p.nx; ix++) {
            x[ix] = p.centreX(ix);
            sb.append(String.format(Locale.ROOT, "%.3f,%.6e,%.2f%n", x[ix], dose[ix], 100 * unc[ix]));
        }
        Files.writeString(file, sb, StandardCharsets.UTF_8);
        return Profiles.penumbra2080(x, dose);
    }
}
