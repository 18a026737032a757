package org.gridpacs.dose.phantom;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.gridpacs.dose.physics.Csv;
import org.gridpacs.dose.physics.Media;

/**
 * CT number (HU) to mass density and medium. Two calibrations, both read from CSV (conf/dose/ or the copies in
 * this module's resources, headers cite the sources):
 * <ul>
 * <li>{@link #fourMedium}: the EGSnrc ctcreate default ramp, air / lung / soft tissue / bone with a linear density
 * ramp inside each medium (default);</li>
 * <li>{@link #schneider}: Schneider et al. 2000 piecewise-linear density; media by the Schneider HU bins mapped onto
 * the five media this engine has tables for (air &lt; -950, lung &lt; -120, soft tissue &lt; 120 (adipose and
 * connective bins included), cortical bone (ICRP) above) - a simplification of the 24 compositions.</li>
 * </ul>
 */
public final class HuCalibration {
    private final double[] huLo;
    private final double[] huHi;
    private final double[] rhoLo;
    private final double[] rhoHi;
    private final byte[] medium;
    private final boolean schneider;
    private final double[] sHu;
    private final double[] sRho;

    private HuCalibration(double[] huLo, double[] huHi, double[] rhoLo, double[] rhoHi, byte[] medium,
                          double[] sHu, double[] sRho) {
        this.huLo = huLo;
        this.huHi = huHi;
        this.rhoLo = rhoLo;
        this.rhoHi = rhoHi;
        this.medium = medium;
        this.schneider = sHu != null;
        this.sHu = sHu;
        this.sRho = sRho;
    }

    /** The 4-medium ramp from a CSV in the format of hu_ramp_egsnrc_ctcreate_default.csv. */
    public static HuCalibration fourMedium(Csv csv) {
        double[] lo = csv.doubles("hu_lower");
        double[] hi = csv.doubles("hu_upper");
        double[] rl = csv.doubles("rho_lower_gcm3");
        double[] rh = csv.doubles("rho_upper_gcm3");
        int c = csv.column("medium");
        byte[] med = new byte[lo.length];
        for (int i = 0; i < lo.length; i++) {
            String n = csv.rows.get(i)[c].toUpperCase();
            med[i] = n.startsWith("AIR") ? Media.AIR : n.startsWith("LUNG") ? Media.LUNG
                    : n.contains("BONE") ? Media.BONE : Media.SOFT_TISSUE;
        }
        return new HuCalibration(lo, hi, rl, rh, med, null, null);
    }

    public static HuCalibration fourMedium() {
        return fourMedium(Csv.resource("hu_ramp_egsnrc_ctcreate_default.csv"));
    }

    /** Schneider 2000 density curve (hu_density_schneider2000.csv format). */
    public static HuCalibration schneider(Csv density) {
        return new HuCalibration(null, null, null, null, null, density.doubles("hu"), density.doubles("density_gcm3"));
    }

    public static HuCalibration schneider() {
        return schneider(Csv.resource("hu_density_schneider2000.csv"));
    }

    /** "ramp" or "schneider2000" from the folder conf (falling back to the built-in copies when absent). */
    public static HuCalibration load(Path confDir, String name) throws IOException {
        boolean ramp = name.equalsIgnoreCase("ramp") || name.equalsIgnoreCase("four-medium");
        String file = ramp ? "hu_ramp_egsnrc_ctcreate_default.csv" : "hu_density_schneider2000.csv";
        if (!ramp && !name.toLowerCase().startsWith("schneider")) {
            throw new IllegalArgumentException("unknown HU calibration " + name);
        }
        Path p = confDir == null ? null : confDir.resolve(file);
        Csv csv = p != null && Files.exists(p) ? Csv.file(p) : Csv.resource(file);
        return ramp ? fourMedium(csv) : schneider(csv);
    }

    public byte medium(double hu) {
        if (schneider) {
            return hu < -950 ? Media.AIR : hu < -120 ? Media.LUNG : hu < 120 ? Media.SOFT_TISSUE : Media.BONE;
        }
        for (int i = 0; i < huHi.length; i++) {
            if (hu <= huHi[i]) {
                return medium[i];
            }
        }
        return medium[medium.length - 1];
    }

    /** Mass density, g/cm3 (never below 0.001: the engine has no vacuum). */
    public float density(double hu) {
        double rho;
        if (schneider) {
            if (hu <= sHu[0]) {
                rho = sRho[0];
            } else if (hu >= sHu[sHu.length - 1]) {
                rho = sRho[sRho.length - 1];
            } else {
                int i = 0;
                while (sHu[i + 1] < hu) {
                    i++;
                }
                rho = sRho[i] + (sRho[i + 1] - sRho[i]) * (hu - sHu[i]) / (sHu[i + 1] - sHu[i]);
            }
        } else {
            if (hu < huLo[0]) {
                rho = rhoLo[0];
            } else {
                int i = 0;
                while (i < huHi.length - 1 && hu > huHi[i]) {
                    i++;
                }
                double h = Math.min(hu, huHi[i]);
                rho = rhoLo[i] + (h - huLo[i]) * (rhoHi[i] - rhoLo[i]) / (huHi[i] - huLo[i]);
            }
        }
        return (float) Math.max(0.001, rho);
    }
}
